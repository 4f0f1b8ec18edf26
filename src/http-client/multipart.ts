// multipart/form-data bodies streamed from files on disk, with their exact length known up front.
// Hand-built because neither undici's FormData (which never sends an `fs.openAsBlob` Blob on Node 24) nor
// discord.js's REST (which wants every file as a Buffer) can stream a large file; and a streamed body is the
// point — songs and stems are large, and several are in flight at once.
// Fields come first, so a streaming parser knows them before the files' bytes arrive.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

export interface MultipartBody {
  contentType: string;
  contentLength: number;
  /** A fresh body each call (a retried request needs its own stream). */
  open(): Readable;
}

export interface MultipartFilePart {
  /** The form field, e.g. `file` or `files[0]`. */
  field: string;
  path: string;
  name: string;
  mimeType: string;
  bytes: number;
}

const quote = (s: string) => s.replace(/["\r\n]/g, (c) => (c === '"' ? '%22' : ' '));

export function multipartBody(fields: Record<string, string>, files: MultipartFilePart[]): MultipartBody {
  const boundary = `----stembot-${randomBytes(12).toString('hex')}`;
  let head = '';
  for (const [name, value] of Object.entries(fields)) head += `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`;
  const headBytes = Buffer.from(head, 'utf8');
  const fileHeads = files.map((f, i) =>
    Buffer.from(`${i > 0 ? '\r\n' : ''}--${boundary}\r\nContent-Disposition: form-data; name="${quote(f.field)}"; filename="${quote(f.name)}"\r\nContent-Type: ${f.mimeType}\r\n\r\n`, 'utf8'),
  );
  const tailBytes = Buffer.from(`${files.length > 0 ? '\r\n' : ''}--${boundary}--\r\n`, 'utf8');
  const contentLength = headBytes.length + fileHeads.reduce((n, h, i) => n + h.length + files[i]!.bytes, 0) + tailBytes.length;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength,
    open: () =>
      Readable.from(
        (async function* () {
          yield headBytes;
          for (let i = 0; i < files.length; i++) {
            yield fileHeads[i]!;
            yield* createReadStream(files[i]!.path);
          }
          yield tailBytes;
        })(),
      ),
  };
}

/** One file after the fields (Kie's File Upload API). */
export function multipartFile(fields: Record<string, string>, file: { path: string; name: string; mimeType: string; bytes: number; field?: string }): MultipartBody {
  return multipartBody(fields, [{ field: file.field ?? 'file', path: file.path, name: file.name, mimeType: file.mimeType, bytes: file.bytes }]);
}

export const isMultipartBody = (body: unknown): body is MultipartBody =>
  typeof body === 'object' && body !== null && typeof (body as MultipartBody).open === 'function' && typeof (body as MultipartBody).contentLength === 'number';
