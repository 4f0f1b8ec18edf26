// The simulator's memory on disk, so a restart of the demo (the simulator lives in stembot's own process)
// does not forget the tasks stembot is waiting for: without it record-info would answer "Task not found" for
// every job submitted before the restart. One JSON file, written atomically (a temporary file renamed over
// the old one), plus one file per uploaded audio under `uploads/`. Small and plain on purpose: this is a demo
// stand-in, not a database.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimTask } from './tasks.js';
import type { UploadRecord } from './uploads.js';

export interface SimState {
  version: 1;
  credits: number;
  tasks: SimTask[];
  /** Files the upload store holds now (their bytes are in `uploads/`). */
  uploads: UploadRecord[];
}

export class SimPersistence {
  private readonly file: string;
  private readonly uploadDir: string;

  constructor(readonly dir: string) {
    this.file = join(dir, 'tasks.json');
    this.uploadDir = join(dir, 'uploads');
    mkdirSync(this.uploadDir, { recursive: true });
  }

  /** The saved state; undefined when there is none or it cannot be read (a fresh start, never a crash). */
  load(): SimState | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const state = JSON.parse(text) as SimState;
      return state && state.version === 1 && Array.isArray(state.tasks) ? { ...state, uploads: Array.isArray(state.uploads) ? state.uploads : [] } : undefined;
    } catch {
      return undefined;
    }
  }

  save(state: SimState): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, this.file);
  }

  writeUpload(filePath: string, data: Buffer): void {
    const target = this.uploadFile(filePath);
    const tmp = `${target}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  }

  readUpload(filePath: string): Buffer | undefined {
    try {
      return readFileSync(this.uploadFile(filePath));
    } catch {
      return undefined;
    }
  }

  dropUpload(filePath: string): void {
    rmSync(this.uploadFile(filePath), { force: true });
  }

  /** Upload paths are Kie-style `a/b/name.mp3`; on disk each is one flat, safe name. */
  private uploadFile(filePath: string): string {
    return join(this.uploadDir, createHash('sha256').update(filePath).digest('hex'));
  }
}
