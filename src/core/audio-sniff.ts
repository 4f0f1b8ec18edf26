// Recognise audio by its first bytes, not by the name a user gave it.
// Kie accepts the common formats (mp3, wav, flac, ogg, m4a/aac, aiff, webm/opus).

export type AudioFormat = 'mp3' | 'wav' | 'flac' | 'ogg' | 'm4a' | 'aiff' | 'webm' | 'aac';

export function sniffAudio(head: Uint8Array): AudioFormat | null {
  const ascii = (start: number, len: number) => String.fromCharCode(...head.subarray(start, start + len));
  if (head.length < 4) return null;
  if (ascii(0, 3) === 'ID3') return 'mp3';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WAVE') return 'wav';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (ascii(0, 4) === 'FORM' && (ascii(8, 4) === 'AIFF' || ascii(8, 4) === 'AIFC')) return 'aiff';
  if (ascii(4, 4) === 'ftyp') return 'm4a';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'webm';
  // MPEG audio frame sync: 11 set bits. Layer bits 01 = layer III (mp3); 00 with ADTS = AAC.
  if (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0) return ((head[1] ?? 0) & 0x06) === 0 ? 'aac' : 'mp3';
  return null;
}

/** Extensions that are surely not audio: a URL ending in one is refused before Kie is charged. */
export const notAudioExtensions = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'pdf', 'txt', 'html', 'htm', 'zip', 'rar', 'doc', 'docx', 'json', 'exe', 'js', 'css']);
