// Reads the composer's multipart form: text fields into a record, the `audio` file streamed straight to disk
// under a byte cap. Never buffered in memory; a partial file is always removed when anything goes wrong.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { describeFailure } from '../../core/messages.js';
import { audioMimeType } from './audio-mime.js';
import type { UploadedAudio } from './command-form.js';
import { safeFileName } from './safe-name.js';

/** Room for the text fields and multipart framing around the file itself. */
const formOverheadBytes = 256 * 1024;
const maxFieldBytes = 64 * 1024;

export type FormRead =
  | { ok: true; fields: Record<string, unknown>; file: UploadedAudio | null }
  | { ok: false; status: 400 | 413; code: string; message: string };

const tooLarge = { ok: false, status: 413, code: 'INPUT_TOO_LARGE', message: describeFailure('INPUT_TOO_LARGE') } as const;

export async function readCommandForm(req: FastifyRequest, uploadDir: string, maxUploadBytes: number): Promise<FormRead> {
  // Refuse an announced oversize body before reading a byte of it.
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxUploadBytes + formOverheadBytes) return tooLarge;

  const fields: Record<string, string> = {};
  let file: UploadedAudio | null = null;
  let partial: string | null = null;
  try {
    // The plugin is registered with throwFileSizeLimit: false, so an oversize file shows as `truncated`.
    const parts = req.parts({ limits: { fileSize: maxUploadBytes, files: 1, fields: 40, parts: 41, fieldSize: maxFieldBytes } });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.valueTruncated) return { ok: false, status: 400, code: 'INPUT_INVALID', message: `${part.fieldname} is too long.` };
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== 'audio') {
        part.file.resume();
        return { ok: false, status: 400, code: 'INPUT_INVALID', message: `Unexpected file field ${part.fieldname}: attach the song as audio.` };
      }
      if (!part.filename) {
        // An <input type=file> left empty still sends a part with no name and no bytes.
        part.file.resume();
        continue;
      }
      const name = safeFileName(part.filename, 'upload');
      partial = join(uploadDir, `${randomBytes(8).toString('hex')}-${name}`);
      await pipeline(part.file, createWriteStream(partial, { flags: 'wx' }));
      // Busboy stops writing at the cap and marks the stream truncated: the file is over the limit.
      if (part.file.truncated) return tooLarge;
      const { size } = await stat(partial);
      if (size === 0) return { ok: false, status: 400, code: 'INPUT_INVALID', message: 'The attached file is empty.' };
      file = { type: 'file', path: partial, name, bytes: size, mimeType: audioMimeType(name, part.mimetype) };
    }
    partial = null; // complete: from here on the caller owns the file
    return { ok: true, fields, file };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge;
    if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
      return { ok: false, status: 400, code: 'INPUT_INVALID', message: 'The form has too many parts: attach one audio file at most.' };
    }
    // Our own disk failing is a fault of ours (500); anything else here is a cut-off or malformed form.
    if (typeof (err as NodeJS.ErrnoException).syscall === 'string') throw err;
    return { ok: false, status: 400, code: 'INPUT_INVALID', message: 'The form could not be read (it was cut off or malformed). Send it again.' };
  } finally {
    if (partial) await rm(partial, { force: true });
  }
}

/** Delete an upload no job took ownership of (refused or invalid command). */
export async function discardUpload(file: UploadedAudio | null): Promise<void> {
  if (file) await rm(file.path, { force: true });
}
