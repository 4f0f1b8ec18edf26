/** A URL's file name, as a person would name the song: `…/River%20Song.mp3?x=1` → `River Song.mp3`; the host
 *  when the path says nothing. Every chat adapter names URL inputs with this. */
export function nameFromUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'audio';
  }
  const last = parsed.pathname.split('/').filter(Boolean).pop();
  if (!last) return parsed.hostname;
  try {
    return decodeURIComponent(last).slice(0, 200);
  } catch {
    return last.slice(0, 200);
  }
}
