// Files of the playground channel, copied under `<dataDir>/playground/files/<messageId>/<safe name>`.
// Copied, not moved or linked: the outbox deletes its temp files as soon as `post` returns.
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChatLimits, ChatResult, LocalFile } from '../../core/ports.js';
import { fail, ok } from '../../core/types.js';
import type { PlaygroundFile } from './message.js';
import { safeFileName, uniqueName } from './safe-name.js';

export class FileStore {
  constructor(
    private readonly dir: string,
    private readonly urlPrefix: string,
  ) {}

  /** Where a stored file lives. Both parts come from our own records, never straight from a request. */
  pathOf(messageId: string, storedName: string): string {
    return join(this.dir, messageId, storedName);
  }

  /** Copy every file in; on any failure nothing is left behind and the error is thrown. */
  async copyIn(messageId: string, sources: readonly LocalFile[]): Promise<PlaygroundFile[]> {
    if (sources.length === 0) return [];
    const taken = new Set<string>();
    const files: PlaygroundFile[] = [];
    try {
      await mkdir(join(this.dir, messageId), { recursive: true });
      for (const source of sources) {
        const name = uniqueName(safeFileName(source.name, 'audio'), taken);
        taken.add(name);
        const target = this.pathOf(messageId, name);
        await copyFile(source.path, target);
        const { size } = await stat(target);
        files.push({
          name,
          bytes: size,
          url: `${this.urlPrefix}/${encodeURIComponent(messageId)}/${encodeURIComponent(name)}`,
          mimeType: source.mimeType || 'application/octet-stream',
        });
      }
      return files;
    } catch (err) {
      await rm(join(this.dir, messageId), { recursive: true, force: true });
      throw err;
    }
  }
}

/** Whether files may be posted in one message. Sizes are read from disk: the caller's `bytes` is a claim. */
export async function checkFiles(sources: readonly LocalFile[], limits: ChatLimits): Promise<ChatResult<void>> {
  if (sources.length > limits.maxFilesPerMessage) {
    return fail('INVALID', `${sources.length} files; at most ${limits.maxFilesPerMessage} per message`);
  }
  for (const file of sources) {
    const size = await stat(file.path).then((s) => s.size, () => -1);
    if (size < 0) return fail('INVALID', `file ${file.name} is not readable`);
    // The core should never send a file over the limit (it links those); if it does, say so rather than post.
    if (size > limits.maxFileBytes) return fail('TOO_LARGE', `${file.name} is ${size} bytes; the limit is ${limits.maxFileBytes}`);
  }
  return ok(undefined);
}
