// Browsers label some audio uploads `application/octet-stream` (FLAC, M4A on some systems); the extension is
// then the better witness. Only the formats Kie accepts are named here.

const byExtension: Record<string, string> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  webm: 'audio/webm',
};

/** The content type to record for an uploaded file: the browser's, unless it said nothing useful. */
export function audioMimeType(fileName: string, declared: string | undefined): string {
  const given = (declared ?? '').toLowerCase().split(';')[0]!.trim();
  if (given && given !== 'application/octet-stream') return given;
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  return byExtension[ext] ?? 'application/octet-stream';
}

/** Whether a stored file may be shown inline; anything else is served as a download only. */
export function isInlineSafe(mimeType: string): boolean {
  return /^(audio|video|image)\/[\w.+-]+$/i.test(mimeType) && !/svg/i.test(mimeType);
}
