// The repository's own Standard MIDI File reader, for tests only. stembot writes .mid files with @tonejs/midi,
// which itself parses and writes through the `midi-file` package; reading the bytes back with `midi-file` would
// let one library's mistake pass as correct on both sides (issue 13). This reader shares no code with the writer:
// it follows the SMF 1.0 specification byte by byte and refuses anything it does not understand, so a test fails
// loudly instead of reading garbage.
//
// Kept: the header (format, track count, ticks per quarter), per track its name and events at absolute ticks —
// channel voice messages, tempo, track name, end of track. Meta events and sysex it has no use for are skipped by
// their declared length, which still checks the framing.

export interface SmfHeader {
  format: number;
  trackCount: number;
  ticksPerBeat: number;
}

type Channel = { tick: number; channel: number };
export type SmfEvent =
  | (Channel & { type: 'noteOn'; pitch: number; velocity: number })
  // A note-on with velocity 0 is a note-off by the specification (it is what running status makes cheap).
  | (Channel & { type: 'noteOff'; pitch: number; velocity: number })
  | (Channel & { type: 'polyAftertouch'; pitch: number; pressure: number })
  | (Channel & { type: 'controlChange'; controller: number; value: number })
  | (Channel & { type: 'programChange'; program: number })
  | (Channel & { type: 'channelAftertouch'; pressure: number })
  // 14 bits, 8192 = centre.
  | (Channel & { type: 'pitchBend'; value: number })
  | { tick: number; type: 'trackName'; text: string }
  | { tick: number; type: 'tempo'; microsecondsPerBeat: number }
  | { tick: number; type: 'endOfTrack' }
  // Read past, kept only as evidence they were there (their content is not checked).
  | { tick: number; type: 'meta'; metaType: number; length: number }
  | { tick: number; type: 'sysex'; length: number };

export interface SmfTrack {
  name: string | undefined;
  events: SmfEvent[];
}

export interface Smf {
  header: SmfHeader;
  tracks: SmfTrack[];
}

export class SmfError extends Error {
  override name = 'SmfError';
}

/** Parses a whole Standard MIDI File; throws SmfError on anything malformed or truncated. */
export function readSmf(bytes: Uint8Array): Smf {
  const chunks = readChunks(bytes);
  const first = chunks[0];
  if (!first || first.type !== 'MThd') throw new SmfError('not a Standard MIDI File: it does not start with an MThd chunk');
  const header = readHeader(first.body);
  // Chunks of other types may follow and must be ignored (SMF 1.0, "Chunks"); only MTrk chunks are tracks.
  const trackChunks = chunks.slice(1).filter((c) => c.type === 'MTrk');
  if (trackChunks.length !== header.trackCount) {
    throw new SmfError(`header announces ${header.trackCount} track(s) but the file holds ${trackChunks.length} MTrk chunk(s)`);
  }
  return { header, tracks: trackChunks.map((c, i) => readTrack(c.body, i)) };
}

function readChunks(bytes: Uint8Array): { type: string; body: Uint8Array }[] {
  const chunks: { type: string; body: Uint8Array }[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 8 > bytes.length) throw new SmfError(`truncated chunk header at byte ${at}: ${bytes.length - at} byte(s) left, 8 needed`);
    const type = String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
    const length = ((bytes[at + 4]! << 24) >>> 0) + (bytes[at + 5]! << 16) + (bytes[at + 6]! << 8) + bytes[at + 7]!;
    const start = at + 8;
    if (start + length > bytes.length) {
      throw new SmfError(`truncated ${type} chunk at byte ${at}: declares ${length} byte(s), only ${bytes.length - start} present`);
    }
    chunks.push({ type, body: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return chunks;
}

function readHeader(body: Uint8Array): SmfHeader {
  // Six bytes today; a longer header is allowed by the specification and its extra bytes are ignored.
  if (body.length < 6) throw new SmfError(`MThd chunk is ${body.length} byte(s) long, at least 6 needed`);
  const format = (body[0]! << 8) | body[1]!;
  const trackCount = (body[2]! << 8) | body[3]!;
  const division = (body[4]! << 8) | body[5]!;
  if (format > 2) throw new SmfError(`unknown SMF format ${format}`);
  // Top bit set = SMPTE time code division; stembot writes ticks per quarter note, so anything else is a bug.
  if (division & 0x8000) throw new SmfError('SMPTE time division is not supported (expected ticks per quarter note)');
  if (division === 0) throw new SmfError('division of 0 ticks per quarter note');
  return { format, trackCount, ticksPerBeat: division };
}

function readTrack(body: Uint8Array, index: number): SmfTrack {
  let at = 0;
  const need = (n: number, what: string) => {
    if (at + n > body.length) throw new SmfError(`track ${index}: ${what} runs past the end of the MTrk chunk (byte ${at})`);
  };
  const byte = (what: string) => {
    need(1, what);
    return body[at++]!;
  };
  // Variable-length quantity: 7 bits per byte, high bit = more follows, at most 4 bytes (0x0FFFFFFF).
  const vlq = (what: string) => {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const b = byte(what);
      value = value * 128 + (b & 0x7f);
      if (!(b & 0x80)) return value;
    }
    throw new SmfError(`track ${index}: ${what} is a variable-length quantity longer than 4 bytes`);
  };
  // A data byte has its high bit clear; a status byte where data is expected means a malformed message.
  const data = (what: string) => {
    const b = byte(what);
    if (b & 0x80) throw new SmfError(`track ${index}: status byte 0x${b.toString(16)} where ${what} was expected (byte ${at - 1})`);
    return b;
  };

  const events: SmfEvent[] = [];
  let name: string | undefined;
  let tick = 0;
  let running: number | undefined; // last channel status, reused when an event starts with a data byte
  let ended = false;
  while (at < body.length) {
    if (ended) throw new SmfError(`track ${index}: events after the end-of-track meta event (byte ${at})`);
    tick += vlq('delta time');
    let status = byte('status');
    if (status < 0x80) {
      // Running status: the byte just read was the first data byte of a message with the previous status.
      if (running === undefined) throw new SmfError(`track ${index}: data byte 0x${status.toString(16)} with no running status (byte ${at - 1})`);
      status = running;
      at--;
    }
    if (status === 0xff) {
      running = undefined; // meta and sysex events cancel running status (SMF 1.0)
      const metaType = byte('meta type');
      const length = vlq('meta length');
      need(length, `meta event 0x${metaType.toString(16)}`);
      const payload = body.subarray(at, at + length);
      at += length;
      if (metaType === 0x03) {
        name ??= String.fromCharCode(...payload); // bytes as Latin-1, one character each
        events.push({ tick, type: 'trackName', text: String.fromCharCode(...payload) });
      } else if (metaType === 0x51) {
        if (length !== 3) throw new SmfError(`track ${index}: tempo meta event of length ${length}, 3 expected`);
        events.push({ tick, type: 'tempo', microsecondsPerBeat: (payload[0]! << 16) | (payload[1]! << 8) | payload[2]! });
      } else if (metaType === 0x2f) {
        if (length !== 0) throw new SmfError(`track ${index}: end-of-track meta event of length ${length}, 0 expected`);
        events.push({ tick, type: 'endOfTrack' });
        ended = true;
      } else {
        events.push({ tick, type: 'meta', metaType, length });
      }
    } else if (status === 0xf0 || status === 0xf7) {
      running = undefined;
      const length = vlq('sysex length');
      need(length, 'sysex event');
      at += length;
      events.push({ tick, type: 'sysex', length });
    } else if (status >= 0xf0) {
      // System common/real-time messages have no place in a file.
      throw new SmfError(`track ${index}: status byte 0x${status.toString(16)} is not allowed in a MIDI file (byte ${at - 1})`);
    } else {
      running = status;
      const channel = status & 0x0f;
      switch (status >> 4) {
        case 0x8:
          events.push({ tick, channel, type: 'noteOff', pitch: data('note number'), velocity: data('velocity') });
          break;
        case 0x9: {
          const pitch = data('note number');
          const velocity = data('velocity');
          events.push({ tick, channel, type: velocity === 0 ? 'noteOff' : 'noteOn', pitch, velocity });
          break;
        }
        case 0xa:
          events.push({ tick, channel, type: 'polyAftertouch', pitch: data('note number'), pressure: data('pressure') });
          break;
        case 0xb:
          events.push({ tick, channel, type: 'controlChange', controller: data('controller'), value: data('value') });
          break;
        case 0xc:
          events.push({ tick, channel, type: 'programChange', program: data('program') });
          break;
        case 0xd:
          events.push({ tick, channel, type: 'channelAftertouch', pressure: data('pressure') });
          break;
        case 0xe: {
          const lsb = data('pitch bend LSB');
          events.push({ tick, channel, type: 'pitchBend', value: lsb | (data('pitch bend MSB') << 7) });
          break;
        }
      }
    }
  }
  if (!ended) throw new SmfError(`track ${index}: no end-of-track meta event (the chunk may be truncated)`);
  return { name, events };
}
