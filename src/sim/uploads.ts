// Kie's File Upload API keeps a file under `uploadPath/fileName` (the same name overwrites) and hands
// back a download URL. The simulator keeps them in memory, bounded, and records every upload with its
// sha256 so tests can check exactly what stembot sent (File Upload API, docs/kie-api.md).
import { createHash, randomBytes } from 'node:crypto';

export type UploadMethod = 'stream' | 'base64' | 'url';

export interface UploadRecord {
  method: UploadMethod;
  fileName: string;
  filePath: string;
  uploadPath: string;
  bytes: number;
  sha256: string;
  mimeType: string;
  downloadUrl: string;
  /** For URL uploads: where the file came from. */
  sourceUrl?: string;
  /** A URL upload the simulator did not fetch (not loopback) and stands in for with a short tone. */
  placeholder?: boolean;
  uploadedAt: string;
}

const mimeByExt: Record<string, string> = {
  mp3: 'audio/mpeg', wav: 'audio/wav', m4a: 'audio/mp4', aac: 'audio/aac', ogg: 'audio/ogg', oga: 'audio/ogg',
  flac: 'audio/flac', webm: 'audio/webm', mp4: 'video/mp4', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg',
  gif: 'image/gif', webp: 'image/webp', txt: 'text/plain', json: 'application/json',
};
// First extension wins (audio/ogg → ogg, not oga).
const extByMime = Object.fromEntries(Object.entries(mimeByExt).reverse().map(([ext, mime]) => [mime, ext]));

/** `a//b/` → `a/b`; null when it tries to climb out (`..`). */
export function cleanUploadPath(path: string): string | null {
  const parts = path.split('/').map((p) => p.trim()).filter(Boolean);
  if (parts.some((p) => p === '..' || p === '.')) return null;
  return parts.join('/');
}

function mimeTypeFor(fileName: string, declared?: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  return (ext && mimeByExt[ext]) || (declared && declared !== 'application/octet-stream' ? declared : 'application/octet-stream');
}

interface Stored {
  record: UploadRecord;
  data: Buffer;
}

/** Where stored bytes also go, so they outlive a restart (persist.ts); `onChange` after every put. */
export interface UploadDisk {
  write(filePath: string, data: Buffer): void;
  read(filePath: string): Buffer | undefined;
  drop(filePath: string): void;
  onChange(): void;
}

export class UploadStore {
  private readonly files = new Map<string, Stored>();
  private history: UploadRecord[] = [];
  private totalBytes = 0;

  constructor(
    private readonly maxTotalBytes: number,
    private readonly disk?: UploadDisk,
  ) {}

  /** The records of the files held now, oldest first (what a restart restores). */
  current(): UploadRecord[] {
    return [...this.files.values()].map((f) => f.record);
  }

  /** Back after a restart: the files whose bytes are still on disk. */
  restore(records: UploadRecord[]): void {
    for (const record of records) {
      const data = this.disk?.read(record.filePath);
      if (!data) continue;
      this.files.set(record.filePath, { record, data });
      this.totalBytes += data.length;
      this.history.push(record);
    }
  }

  put(
    input: { method: UploadMethod; uploadPath: string; fileName?: string; data: Buffer; mimeType?: string; baseUrl: string; sourceUrl?: string; placeholder?: boolean },
    nowMs: number,
  ): UploadRecord {
    const given = input.fileName?.split('/').pop()?.trim();
    const fileName = given || `${randomBytes(8).toString('hex')}.${extByMime[input.mimeType ?? ''] ?? 'bin'}`;
    const filePath = input.uploadPath ? `${input.uploadPath}/${fileName}` : fileName;
    const record: UploadRecord = {
      method: input.method,
      fileName,
      filePath,
      uploadPath: input.uploadPath,
      bytes: input.data.length,
      sha256: createHash('sha256').update(input.data).digest('hex'),
      mimeType: mimeTypeFor(fileName, input.mimeType),
      downloadUrl: `${input.baseUrl}/uploads/${filePath.split('/').map(encodeURIComponent).join('/')}`,
      uploadedAt: new Date(nowMs).toISOString(),
    };
    if (input.sourceUrl) record.sourceUrl = input.sourceUrl;
    if (input.placeholder) record.placeholder = true;
    this.drop(filePath);
    this.files.set(filePath, { record, data: input.data });
    this.disk?.write(filePath, input.data);
    this.totalBytes += input.data.length;
    this.history.push(record);
    // Evict the oldest files (Map keeps insertion order) until the store fits again.
    for (const key of this.files.keys()) {
      if (this.totalBytes <= this.maxTotalBytes || key === filePath) break;
      this.drop(key);
    }
    this.disk?.onChange();
    return record;
  }

  get(filePath: string): Stored | undefined {
    return this.files.get(filePath);
  }

  /** Every upload so far, in order (including overwritten or evicted ones). */
  records(): UploadRecord[] {
    return [...this.history];
  }

  clear(): void {
    for (const key of this.files.keys()) this.disk?.drop(key);
    this.files.clear();
    this.history = [];
    this.totalBytes = 0;
  }

  private drop(filePath: string): void {
    const old = this.files.get(filePath);
    if (!old) return;
    this.totalBytes -= old.data.length;
    this.files.delete(filePath);
    this.disk?.drop(filePath);
  }
}
