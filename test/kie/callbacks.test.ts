import { describe, expect, it } from 'vitest';
import { parseCallback } from '../../src/kie/callbacks.js';
import { fixture } from './helpers.js';

const S = 'https://file.aiquickdraw.com/s/';

describe('parseCallback — GIVEN the verbatim payloads of Kie’s callback pages (test/fixtures/kie)', () => {
  it('WHEN the older separation page (vocal_removal_info) calls back THEN vocals and instrumental come out, origin_url ignored', () => {
    expect(parseCallback(fixture('separation-basic.json'))).toEqual({
      ok: true,
      taskId: '5e72d367bdfbe44785e28d72cb1697c7',
      event: {
        taskId: '5e72d367bdfbe44785e28d72cb1697c7',
        source: 'callback',
        stage: 'complete',
        files: [
          { key: 'vocal', label: 'Vocals', url: 'https://tempfile.aiquickdraw.com/v/94322944-2c96-4be3-b7fb-606e3924a8d2_vocal.mp3' },
          { key: 'instrumental', label: 'Instrumental', url: 'https://tempfile.aiquickdraw.com/v/94322944-2c96-4be3-b7fb-606e3924a8d2_instrumental.mp3' },
        ],
      },
    });
  });

  const twoStems = [
    { key: 'vocal', label: 'Vocals', url: `${S}3d7021c9-fa8b-4eda-91d1-3b9297ddb172_Vocals.mp3` },
    { key: 'instrumental', label: 'Instrumental', url: `${S}d92a13bf-c6f4-4ade-bb47-f69738435528_Instrumental.mp3` },
  ];

  it('WHEN the split-stem page’s example (vocal_removal_info, empty origin_url) arrives THEN the two stems come out', () => {
    const r = parseCallback(fixture('split-stem-removal-info.json'));
    expect(r).toMatchObject({ ok: true, taskId: '3e63b4cc88d52611159371f6af5571e7', event: { stage: 'complete', files: twoStems } });
  });

  it('WHEN the current page’s separate_vocal (vocal_separation_info) arrives THEN the same two stems come out', () => {
    const r = parseCallback(fixture('separation-current-separate-vocal.json'));
    expect(r).toMatchObject({ ok: true, taskId: '3e63b4cc88d52611159371f6af5571e7', event: { source: 'callback', stage: 'complete', files: twoStems } });
  });

  it('WHEN the current page’s split_stem arrives THEN twelve stems come out in display order with their labels', () => {
    const r = parseCallback(fixture('separation-current-split-stem.json'));
    if (!r.ok || r.event.stage !== 'complete') throw new Error(`expected complete, got ${JSON.stringify(r)}`);
    expect(r.taskId).toBe('e649edb7abfd759285bd41a47a634b10');
    expect(r.event.files.map((f) => [f.key, f.label, f.url])).toEqual([
      ['vocal', 'Vocals', `${S}07420749-29a2-4054-9b62-e6a6f8b90ccb_Vocals.mp3`],
      ['backing_vocals', 'Backing Vocals', `${S}aadc51a3-4c88-4c8e-a4c8-e867c539673d_Backing_Vocals.mp3`],
      ['drums', 'Drums', `${S}ac75c5ea-ac77-4ad2-b7d9-66e140b78e44_Drums.mp3`],
      ['bass', 'Bass', `${S}a3c2da5a-b364-4422-adb5-2692b9c26d33_Bass.mp3`],
      ['guitar', 'Guitar', `${S}064dd08e-d5d2-4201-9058-c5c40fb695b4_Guitar.mp3`],
      ['keyboard', 'Keyboard', `${S}adc934e0-df7d-45da-8220-1dba160d74e0_Keyboard.mp3`],
      ['percussion', 'Percussion', `${S}0f70884d-047c-41f1-a6d0-7044618b7dc6_Percussion.mp3`],
      ['strings', 'Strings', `${S}49829425-a5b0-424e-857a-75d4c63a426b_Strings.mp3`],
      ['synth', 'Synth', `${S}56b2d94a-eb92-4d21-bc43-3460de0c8348_Synth.mp3`],
      ['fx', 'FX', `${S}a8822c73-6629-4089-8f2a-d19f41f0007d_FX.mp3`],
      ['brass', 'Brass', `${S}334b2d23-0c65-4a04-92c7-22f828afdd44_Brass.mp3`],
      ['woodwinds', 'Woodwinds', `${S}d81545b1-6f94-4388-9785-1aaa6ecabb02_Woodwinds.mp3`],
    ]);
  });

  it.each(['add-vocals-text.json', 'add-instrumental-text.json'])('WHEN %s (callbackType text, data []) arrives THEN a text stage with no files', (name) => {
    expect(parseCallback(fixture(name))).toEqual({
      ok: true,
      taskId: '2fac****9f72',
      event: { taskId: '2fac****9f72', source: 'callback', stage: 'text', files: [] },
    });
  });
});

describe('parseCallback — GIVEN generation payloads derived from the callback pages’ field list (derived-*.json)', () => {
  it('WHEN `first` arrives with one finished and one streaming track THEN both are offered, the second by its stream URL', () => {
    const r = parseCallback(fixture('derived-add-vocals-first.json'));
    expect(r).toMatchObject({ ok: true, event: { stage: 'first' } });
    if (!r.ok || r.event.stage !== 'first') return;
    expect(r.event.files).toEqual([
      { key: 'track-1', label: 'River Song', url: 'https://tempfile.aiquickdraw.com/r/8551f3a2-1c7e-4b0a-9d4e-5b2c7a9e662c.mp3', audioId: '8551****-****-****-****-****662c', durationSec: 198.44 },
      { key: 'track-2', label: 'River Song', url: 'https://mfile.erweima.ai/YmQxNWE3YzQtOWYyZS00ZDFi', audioId: 'bd15****-****-****-****-****1e4a' },
    ]);
  });

  it('WHEN `complete` arrives THEN every track is a file with its audioId and duration', () => {
    const r = parseCallback(fixture('derived-add-vocals-complete.json'));
    if (!r.ok || r.event.stage !== 'complete') throw new Error('expected complete');
    expect(r.event.files.map((f) => [f.key, f.label, f.audioId, f.durationSec])).toEqual([
      ['track-1', 'River Song', '8551****-****-****-****-****662c', 198.44],
      ['track-2', 'River Song', 'bd15****-****-****-****-****1e4a', 201.7],
    ]);
    expect(r.event.files[1]!.url).toBe('https://tempfile.aiquickdraw.com/r/bd15a7c4-9f2e-4d1b-8c3a-6e0f2d7b1e4a.mp3');
  });

  it('WHEN an add-instrumental track has an empty title THEN it is labelled "Track 1"', () => {
    const r = parseCallback(fixture('derived-add-instrumental-complete.json'));
    expect(r).toMatchObject({ ok: true, taskId: '9c04e1b7a2d84f6e8b3a5c7d9e1f0a2b', event: { stage: 'complete', files: [{ key: 'track-1', label: 'Track 1' }] } });
  });

  it('WHEN `failed` arrives with a content complaint THEN a failed event carrying Kie’s code and words', () => {
    expect(parseCallback(fixture('derived-add-vocals-failed.json'))).toEqual({
      ok: true,
      taskId: '2fac7d3e9b1c4a58a0e6c1d2b3f49f72',
      event: {
        taskId: '2fac7d3e9b1c4a58a0e6c1d2b3f49f72',
        source: 'callback',
        stage: 'failed',
        code: 'KIE_CONTENT_VIOLATION',
        kieCode: 400,
        detail: 'The lyrics contain sensitive words that violate the content policy.',
      },
    });
  });

  it('WHEN callbackType is `failed` but code is 200 THEN generation failed, without a kieCode', () => {
    const r = parseCallback({ code: 200, msg: 'Generation failed', data: { callbackType: 'failed', task_id: 't1', data: [] } });
    expect(r).toEqual({ ok: true, taskId: 't1', event: { taskId: 't1', source: 'callback', stage: 'failed', code: 'KIE_GENERATION_FAILED', detail: 'Generation failed' } });
  });
});

describe('parseCallback — GIVEN failure callbacks with each code Kie documents', () => {
  const cases = [
    [400, 'Parameter error or invalid source audio', 'KIE_BAD_PARAMETERS'],
    [400, 'Unsupported audio file format', 'KIE_BAD_PARAMETERS'],
    [400, 'Content violation detected in the lyrics', 'KIE_CONTENT_VIOLATION'],
    [401, 'Unauthorized - Invalid API key', 'KIE_UNAUTHORIZED'],
    [402, 'Insufficient credits', 'KIE_INSUFFICIENT_CREDITS'],
    [413, 'Tags or style description exceeds limit', 'KIE_TOO_LONG'],
    [429, 'Insufficient Credits - Account credit balance insufficient', 'KIE_INSUFFICIENT_CREDITS'],
    [429, 'Your call frequency is too high. Please try again later.', 'KIE_RATE_LIMITED'],
    [451, 'Download Failed - Unable to download source audio file', 'KIE_SOURCE_DOWNLOAD_FAILED'],
    [455, 'System maintenance', 'KIE_MAINTENANCE'],
    [500, 'Server Error - Please retry later', 'KIE_SERVER_ERROR'],
    [531, 'Generation failed, credits refunded', 'KIE_GENERATION_FAILED'],
  ] as const;

  it.each(cases)('WHEN a separation callback says %i "%s" THEN failed with %s', (code, msg, expected) => {
    const r = parseCallback({ code, msg, data: { task_id: 'sep-1', vocal_separation_info: null } });
    expect(r).toEqual({ ok: true, taskId: 'sep-1', event: { taskId: 'sep-1', source: 'callback', stage: 'failed', code: expected, kieCode: code, detail: msg } });
  });

  it.each(cases)('WHEN a generation callback says %i "%s" THEN failed with %s', (code, msg, expected) => {
    const r = parseCallback({ code, msg, data: { callbackType: 'failed', task_id: 'gen-1', data: null } });
    expect(r).toMatchObject({ ok: true, event: { stage: 'failed', code: expected, kieCode: code } });
  });

  it('WHEN a failure names a stage we do not know THEN it is still a failure (never lost to a schema)', () => {
    expect(parseCallback({ code: 500, msg: 'boom', data: { callbackType: 'error', task_id: 'g' } })).toMatchObject({ ok: true, event: { stage: 'failed', code: 'KIE_SERVER_ERROR' } });
  });
});

describe('parseCallback — GIVEN malformed bodies THEN ok:false with a reason a developer understands', () => {
  const cases: [string, unknown, string | RegExp][] = [
    ['a string', 'hello', 'body must be a JSON object'],
    ['null', null, 'body must be a JSON object'],
    ['an array', [{ code: 200 }], 'body must be a JSON object'],
    ['no code', { data: { task_id: 't' } }, 'code is missing'],
    ['code as a string', { code: '200', data: { task_id: 't' } }, 'code must be a number'],
    ['no data', { code: 200, msg: 'ok' }, 'data is missing'],
    ['no task_id', { code: 200, data: { vocal_separation_info: {} } }, 'data.task_id is missing'],
    ['a numeric task_id', { code: 200, data: { task_id: 42 } }, 'data.task_id must be a string'],
    ['an empty task_id', { code: 200, data: { task_id: '  ' } }, 'data.task_id must not be empty'],
    ['a 129-char task_id', { code: 200, data: { task_id: 'x'.repeat(129) } }, 'data.task_id must be at most 128 characters'],
    ['an unknown callbackType', { code: 200, data: { callbackType: 'second', task_id: 't', data: [] } }, /data\.callbackType "second" is not one of text, first, complete, failed/],
    ['data.data not an array', { code: 200, data: { callbackType: 'complete', task_id: 't', data: {} } }, 'data.data must be an array'],
    ['a numeric audio_url', { code: 200, data: { callbackType: 'complete', task_id: 't', data: [{ audio_url: 5 }] } }, 'data.data[0].audio_url must be a string'],
    ['a numeric stem URL', { code: 200, data: { task_id: 't', vocal_separation_info: { drums_url: 5 } } }, 'data.vocal_separation_info.drums_url must be a string'],
    ['info that is not an object', { code: 200, data: { task_id: 't', vocal_removal_info: 'yes' } }, 'data.vocal_removal_info must be an object'],
    ['a success with no result object', { code: 200, msg: 'ok', data: { task_id: 't' } }, /vocal_separation_info is missing/],
    ['a success whose stems are all empty', { code: 200, data: { task_id: 't', vocal_separation_info: { vocal_url: '', origin_url: 'https://x/o.mp3' } } }, 'data.vocal_separation_info has no stem URL'],
    ['a complete with no audio', { code: 200, data: { callbackType: 'complete', task_id: 't', data: [{ audio_url: '', stream_audio_url: 'https://s' }] } }, 'data.data has no track with an audio_url'],
  ];
  it.each(cases)('WHEN the body has %s', (_name, body, reason) => {
    const r = parseCallback(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
