// The command line syntax of the README's "Commands" (docs/conventions.md) — `name:value`, quotes, a bare URL, a bare mode word — and the usage
// help a person gets for each kind of mistake.
import { describe, expect, it } from 'vitest';
import { parseFollowUpLine } from '../../src/chat/slack/follow-up-commands.js';
import { commandFromLine, parseLine } from '../../src/chat/slack/parse-line.js';

describe('Slack command line', () => {
  it('reads a bare URL and a mode word', () => {
    expect(commandFromLine('separate', 'https://example.com/song.mp3 stems')).toEqual({
      ok: true,
      input: { type: 'url', url: 'https://example.com/song.mp3', name: 'song.mp3' },
      params: { kind: 'separate', mode: 'stems' },
    });
  });

  it('reads task:/audio: as a Kie track, and audio:<link> as the input link', () => {
    expect(commandFromLine('separate', 'task:abc audio:def')).toMatchObject({ ok: true, input: { type: 'kie_track', taskId: 'abc', audioId: 'def' }, params: { mode: 'vocals' } });
    expect(parseLine('separate', 'audio:https://x.example/a.mp3')).toEqual({ ok: true, raw: { url: 'https://x.example/a.mp3' } });
  });

  it('reads quoted values, Slack’s <link|label> markup and its &amp; entities', () => {
    const line = '<https://example.com/b.mp3?a=1&amp;b=2|b.mp3> prompt:"a folk song about rivers" style:Folk title:“River Song” vocal_gender:female model:v5.5 weirdness:0.25';
    expect(commandFromLine('add_vocals', line)).toEqual({
      ok: true,
      input: { type: 'url', url: 'https://example.com/b.mp3?a=1&b=2', name: 'b.mp3' },
      params: { kind: 'add_vocals', prompt: 'a folk song about rivers', style: 'Folk', title: 'River Song', vocalGender: 'f', model: 'V5_5', weirdness: 0.25 },
    });
  });

  it('implies mode single from a stem and matches Kie’s stem names whatever the case', () => {
    expect(commandFromLine('separate', 'https://e.com/s.mp3 stem:"drum kit"')).toMatchObject({ ok: true, params: { mode: 'single', stem: 'Drum Kit' } });
    expect(commandFromLine('separate', 'https://e.com/s.mp3 single')).toMatchObject({ ok: false, message: expect.stringContaining('needs the instrument') });
  });

  it('explains each mistake and then shows the usage', () => {
    const cases: [Parameters<typeof commandFromLine>[0], string, string][] = [
      ['separate', 'song.mp3', 'I did not understand `song.mp3`'],
      ['separate', 'https://e.com/a.mp3 colour:blue', '`colour` is not an option of /separate'],
      ['separate', 'https://e.com/a.mp3 https://e.com/b.mp3', '`url` is given twice'],
      ['separate', 'task:abc', 'give both `task_id` and `audio_id`'],
      ['separate', 'https://e.com/a.mp3 task:abc audio:def', 'Give one input only'],
      ['separate', 'mode:loud', 'Give the song'],
      ['add_instrumental', 'task:a audio:b tags:x title:y', '`task` is not an option of /add-instrumental'],
      ['add_instrumental', 'https://e.com/a.mp3 tags:x title:y audio_weight:2', '`audio_weight` must be a number from 0 to 1'],
      ['add_vocals', 'https://e.com/a.mp3 prompt:p style:s title:t model:v9', '`model` must be one of V4_5PLUS, V5, V5_5'],
      ['add_vocals', 'https://e.com/a.mp3 prompt:p style:s title:"t', 'A quote is not closed in `title`'],
      ['add_vocals', 'ftp://e.com/a.mp3', 'I did not understand `ftp://e.com/a.mp3`'],
    ];
    for (const [kind, line, why] of cases) {
      const r = commandFromLine(kind, line);
      expect(r.ok, line).toBe(false);
      if (r.ok) continue;
      expect(r.message, line).toContain(why);
      expect(r.message, line).toContain('*Usage*');
    }
  });
});

describe('/midi and /wav lines', () => {
  it('GIVEN a stem typed with & or < THEN it is read as typed (Slack sends entities), not escaped twice', () => {
    expect(parseFollowUpLine('midi', 'abcd1234 stem:"Bass &amp; Drums &lt;1&gt;"')).toEqual({ kind: 'midi', jobId: 'abcd1234', stem: 'Bass & Drums <1>' });
    expect(parseFollowUpLine('wav', '`abcd1234` take:2')).toEqual({ kind: 'wav', jobId: 'abcd1234', take: 2 });
    expect(parseFollowUpLine('wav', 'abcd1234 two')).toBeNull();
  });
});
