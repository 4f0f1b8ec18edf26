// Kie's File Upload API (a separate host in production, kieai.redpandaai.co): stream (multipart),
// base64 and URL uploads, each answered with `{success, code, msg, data:{fileName, filePath, downloadUrl,
// fileSize, mimeType, uploadedAt}}`. URL uploads take audio only: the simulator's own files are read
// in-process; standalone, other loopback URLs are fetched; in demo mode (`fileUrlGuard`) nothing is fetched
// and only URLs stem downloads could reach are accepted. Public URLs are stood in for by a short tone, so the
// simulator never reaches the internet.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { request } from 'undici';
import type { SimCore } from '../task-engine.js';
import { requireBearer, uploadFail, uploadOk } from '../envelope.js';
import { cleanUploadPath, type UploadRecord } from '../uploads.js';
import { seedFrom, wavBytesFor } from '../wav.js';
import { simDefaults } from '../options.js';
import { requestBase } from './submit.js';
import { isAudioBytes } from '../served-type.js';
import { uploadRouteConfig } from '../../http/slow-clients.js';

const URL_FETCH_TIMEOUT_MS = 30_000;

function answer(record: UploadRecord) {
  const { fileName, filePath, downloadUrl, bytes: fileSize, mimeType, uploadedAt } = record;
  return uploadOk({ fileName, filePath, downloadUrl, fileSize, mimeType, uploadedAt });
}

/** `url` as a path on this server when it names one of the simulator's own files (`<base>/uploads/…`, `<base>/files/…`). */
function ownFilePath(url: URL, base: string): string | undefined {
  const b = new URL(base);
  if (url.origin !== b.origin || url.username || url.password) return undefined;
  const prefix = b.pathname.replace(/\/+$/, '');
  const rest = url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : undefined;
  return rest && /^\/(uploads|files)\/./.test(rest) ? url.pathname : undefined;
}

function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

async function fetchLoopback(url: string, maxBytes: number, core: SimCore): Promise<Buffer | { code: number; msg: string }> {
  try {
    const res = await request(url, { headersTimeout: URL_FETCH_TIMEOUT_MS, bodyTimeout: URL_FETCH_TIMEOUT_MS, ...(core.opts.dispatcher ? { dispatcher: core.opts.dispatcher } : {}) });
    if (res.statusCode < 200 || res.statusCode >= 300) {
      await res.body.dump();
      return { code: 400, msg: `Failed to download file: HTTP ${res.statusCode}` };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        res.body.destroy();
        return { code: 413, msg: `File too large (max ${maxBytes} bytes)` };
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  } catch (err) {
    return { code: 400, msg: `Failed to download file: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export function uploadRoutes(app: FastifyInstance, core: SimCore): void {
  const maxBytes = core.opts.maxUploadBytes ?? simDefaults.maxUploadBytes;
  const tooLarge = (reply: FastifyReply) => reply.code(413).send(uploadFail(413, `File too large (max ${maxBytes} bytes)`));
  const base = (req: Parameters<typeof requestBase>[1]) => core.baseUrl(requestBase(app, req));

  // Up to 25 MB arrive here: the longer request timeout of upload routes (src/http/slow-clients.ts).
  app.post('/api/file-stream-upload', { config: uploadRouteConfig }, async (req, reply) => {
    if (requireBearer(req, reply, core.opts.apiKey, true) === undefined) return reply;
    if (!req.isMultipart()) return uploadFail(400, 'file is required (multipart/form-data)');
    const fields: Record<string, string> = {};
    let file: { data: Buffer; name: string; mime: string } | undefined;
    try {
      for await (const part of req.parts({ limits: { fileSize: maxBytes } })) {
        if (part.type === 'file') {
          const data = await part.toBuffer();
          if (part.fieldname === 'file') file = { data, name: part.filename, mime: part.mimetype };
        } else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
      }
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(reply);
      throw err;
    }
    if (!file) return uploadFail(400, 'file is required');
    const uploadPath = cleanUploadPath(fields.uploadPath ?? '');
    if (!uploadPath) return uploadFail(400, 'uploadPath is required');
    const fileName = fields.fileName?.trim() || file.name;
    return answer(core.uploads.put({ method: 'stream', uploadPath, fileName, data: file.data, mimeType: file.mime, baseUrl: base(req) }, core.clock()));
  });

  // Base64 grows the file by a third; the body limit lets a maxBytes file through and the check below refuses more.
  app.post<{ Body: { base64Data?: unknown; uploadPath?: unknown; fileName?: unknown } }>(
    '/api/file-base64-upload',
    { bodyLimit: Math.ceil((maxBytes * 4) / 3) + 64 * 1024, config: uploadRouteConfig },
    async (req, reply) => {
      if (requireBearer(req, reply, core.opts.apiKey, true) === undefined) return reply;
      const { base64Data, uploadPath: rawPath, fileName } = req.body ?? {};
      if (typeof base64Data !== 'string' || base64Data.trim() === '') return uploadFail(400, 'base64Data is required');
      const uploadPath = cleanUploadPath(typeof rawPath === 'string' ? rawPath : '');
      if (!uploadPath) return uploadFail(400, 'uploadPath is required');
      const m = /^data:([^;,]+)?(?:;[^,]*)?,(.*)$/s.exec(base64Data.trim());
      const payload = (m ? m[2]! : base64Data).replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) return uploadFail(400, 'base64Data is not valid base64');
      const data = Buffer.from(payload, 'base64');
      if (data.length > maxBytes) return tooLarge(reply);
      const name = typeof fileName === 'string' ? fileName : undefined;
      return answer(core.uploads.put({ method: 'base64', uploadPath, fileName: name, data, mimeType: m?.[1], baseUrl: base(req) }, core.clock()));
    },
  );

  app.post<{ Body: { fileUrl?: unknown; uploadPath?: unknown; fileName?: unknown } }>('/api/file-url-upload', async (req, reply) => {
    if (requireBearer(req, reply, core.opts.apiKey, true) === undefined) return reply;
    const { fileUrl, uploadPath: rawPath, fileName } = req.body ?? {};
    if (typeof fileUrl !== 'string' || !/^https?:\/\//i.test(fileUrl) || !URL.canParse(fileUrl)) return uploadFail(400, 'fileUrl must be an http(s) URL');
    const uploadPath = cleanUploadPath(typeof rawPath === 'string' ? rawPath : '');
    if (!uploadPath) return uploadFail(400, 'uploadPath is required');
    const url = new URL(fileUrl);
    const name = (typeof fileName === 'string' && fileName.trim()) || decodeURIComponent(url.pathname.split('/').pop() ?? '') || undefined;
    const record = { method: 'url' as const, uploadPath, fileName: name, baseUrl: base(req), sourceUrl: fileUrl };
    const notAudio = () => uploadFail(400, 'Failed to download file: not an audio file');
    // The simulator's own files are read in-process (no request leaves, so no other route is reachable).
    const own = ownFilePath(url, base(req));
    if (own) {
      const res = await app.inject({ method: 'GET', url: own });
      if (res.statusCode !== 200) return uploadFail(400, `Failed to download file: HTTP ${res.statusCode}`);
      return isAudioBytes(res.rawPayload) ? answer(core.uploads.put({ ...record, data: res.rawPayload }, core.clock())) : notAudio();
    }
    const placeholder = () => {
      const data = wavBytesFor({ seed: seedFrom(fileUrl), freqHz: 330, bytes: 44 + 2 * 22_050 * 2 });
      return answer(core.uploads.put({ ...record, data, mimeType: 'audio/wav', placeholder: true }, core.clock()));
    };
    // Demo mode: only what stem downloads may reach (public https addresses), stood in for without a fetch.
    if (core.opts.fileUrlGuard) {
      const verdict = core.opts.fileUrlGuard(fileUrl);
      return verdict.ok ? placeholder() : uploadFail(400, `Failed to download file: ${verdict.reason}`);
    }
    if (!isLoopback(url)) return placeholder();
    const fetched = await fetchLoopback(fileUrl, maxBytes, core);
    if (!Buffer.isBuffer(fetched)) return fetched.code === 413 ? tooLarge(reply) : uploadFail(fetched.code, fetched.msg);
    if (!isAudioBytes(fetched)) return notAudio();
    return answer(core.uploads.put({ ...record, data: fetched }, core.clock()));
  });
}
