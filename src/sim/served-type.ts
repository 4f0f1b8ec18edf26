// How the simulator serves stored bytes on stembot's own origin (demo mode): as audio, or as an opaque
// download, never as something a browser would render. Uploads accept any bytes and any declared type, so
// an uploaded `text/html` with a script must not come back as a page of ours (stored XSS).
import type { FastifyReply } from 'fastify';
import { sniffAudio, type AudioFormat } from '../core/audio-sniff.js';

const typeOf: Record<AudioFormat, string> = {
  mp3: 'audio/mpeg', wav: 'audio/wav', flac: 'audio/flac', ogg: 'audio/ogg', m4a: 'audio/mp4', aiff: 'audio/aiff', webm: 'audio/webm', aac: 'audio/aac',
};

/** The audio type the bytes show, else the recorded one when it is audio, else `application/octet-stream`. */
export function servedAudioType(data: Uint8Array, recorded: string): string {
  const sniffed = sniffAudio(data.subarray(0, 16));
  if (sniffed) return typeOf[sniffed];
  return /^audio\/[\w.+-]+$/i.test(recorded) ? recorded.toLowerCase() : 'application/octet-stream';
}

/** Whether the bytes are audio (what Kie's File Upload API is for). */
export function isAudioBytes(data: Uint8Array): boolean {
  return sniffAudio(data.subarray(0, 16)) !== null;
}

/** The headers every stored file goes out with: no sniffing, no scripts, a download name. */
export function fileHeaders(reply: FastifyReply, type: string, fileName: string): FastifyReply {
  const inline = type.startsWith('audio/') || type.startsWith('image/png');
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return reply
    .header('content-type', type)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`);
}
