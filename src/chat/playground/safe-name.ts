// File names arrive from browsers and from Kie. They become path segments on our disk and in URLs, so they are
// reduced to a safe alphabet: no separators, no leading dots (no "..", no hidden files), no control characters.

const maxNameChars = 120;

/** A name that is safe as one path segment, keeps its extension and still reads like the original. */
export function safeFileName(raw: string, fallback = 'file'): string {
  // Browsers (old IE, some mobile ones) may send a full client path; keep only its last segment.
  const base = raw.split(/[\\/]/).pop() ?? '';
  let name = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[^\p{L}\p{N} ._()+,=@-]/gu, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
    .trim();
  if (name.length > maxNameChars) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = name.slice(0, maxNameChars - ext.length).trimEnd() + ext;
  }
  return name || fallback;
}

/** `name`, or `name-2.ext`, `name-3.ext`… so two files of one message never overwrite each other. */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let i = 2; ; i++) {
    const candidate = `${stem}-${i}${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The ASCII-only `filename=` fallback of a Content-Disposition header (RFC 6266 §4.3). */
export function asciiFallback(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\]/g, '_');
}
