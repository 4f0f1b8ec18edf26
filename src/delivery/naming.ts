// Files are named for people: "River Song - Drums.mp3", never a UUID.
import type { Job, ResultFile } from '../core/types.js';

const mimeByExt: Record<string, string> = { mp3: 'audio/mpeg', wav: 'audio/wav', flac: 'audio/flac', m4a: 'audio/mp4', ogg: 'audio/ogg', aac: 'audio/aac' };
const extByMime: Record<string, string> = { 'audio/mpeg': 'mp3', 'audio/mp3': 'mp3', 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/wave': 'wav', 'audio/flac': 'flac', 'audio/mp4': 'm4a', 'audio/ogg': 'ogg', 'audio/aac': 'aac' };

/**
 * A name part safe on every disk and in every chat: no path separators or characters a file system refuses,
 * no control or bidirectional characters (which can make `gpj.exe` read as `exe.jpg`), and nothing that forms
 * a link or a mention where chat shows the name (`[label](url)`, `@everyone`, `<@id>`, backticks). Bounded.
 */
function sanitize(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff/\\:*?"<>|[\]@`]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.slice(0, 90).trim() || 'audio';
}

/** The song's name as people know it. */
export function songTitle(job: Job): string {
  if (job.params.kind !== 'separate') return sanitize(job.params.title);
  if (job.input.type === 'kie_track') return sanitize(`Track ${job.input.audioId.slice(0, 8)}`);
  return sanitize(job.inputName.replace(/\.[a-z0-9]{2,4}$/i, ''));
}

export function extensionFor(url: string, contentType?: string): string {
  const fromType = contentType ? extByMime[contentType.split(';')[0]!.trim().toLowerCase()] : undefined;
  if (fromType) return fromType;
  const fromPath = /\.([a-z0-9]{2,4})$/i.exec(URL.canParse(url) ? new URL(url).pathname : '')?.[1]?.toLowerCase();
  return fromPath && mimeByExt[fromPath] ? fromPath : 'mp3';
}

export const mimeFor = (ext: string): string => mimeByExt[ext] ?? 'application/octet-stream';

/** "River Song - Drums.mp3"; generated tracks become "River Song - Take 1.mp3". */
export function fileNameFor(job: Job, file: ResultFile, ext: string): string {
  const take = /^track-(\d+)$/.exec(file.key)?.[1];
  const label = take ? `Take ${take}` : file.label;
  return `${songTitle(job)} - ${sanitize(label)}.${ext}`;
}
