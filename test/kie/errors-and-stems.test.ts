import { describe, expect, it } from 'vitest';
import { mapKieCode } from '../../src/kie/errors.js';
import { ADVANCED_STEM_NAMES } from '../../src/core/kie-vocabulary.js';
import { labelSingleStem } from '../../src/core/intake.js';
import { stemFilesFromOriginData, stemFilesFromRecord } from '../../src/kie/stems.js';

describe('mapKieCode — GIVEN Kie’s numeric codes', () => {
  it.each([
    [400, 'Invalid parameters', 'submit', 'KIE_BAD_PARAMETERS'],
    [400, 'The prompt violates our policy', 'submit', 'KIE_CONTENT_VIOLATION'],
    [400, 'Contains sensitive words', 'callback', 'KIE_CONTENT_VIOLATION'],
    [401, 'Unauthorized access', 'submit', 'KIE_UNAUTHORIZED'],
    [402, 'Insufficient credits', 'submit', 'KIE_INSUFFICIENT_CREDITS'],
    [404, 'Invalid request method or path', 'submit', 'KIE_BAD_PARAMETERS'],
    [405, 'Rate limit exceeded', 'submit', 'KIE_RATE_LIMITED'],
    [409, 'Conflict', 'submit', 'KIE_BAD_PARAMETERS'],
    [413, 'Theme or prompt too long', 'submit', 'KIE_TOO_LONG'],
    [422, 'Validation error', 'submit', 'KIE_BAD_PARAMETERS'],
    [429, 'Insufficient credits', 'submit', 'KIE_INSUFFICIENT_CREDITS'],
    [429, '', 'callback', 'KIE_INSUFFICIENT_CREDITS'],
    [429, 'Too many requests', 'submit', 'KIE_RATE_LIMITED'],
    [429, 'Rate limited', 'poll', 'KIE_RATE_LIMITED'],
    [429, 'Failed to generate: insufficient credits', 'callback', 'KIE_INSUFFICIENT_CREDITS'],
    [430, 'Your call frequency is too high. Please try again later.', 'submit', 'KIE_RATE_LIMITED'],
    [451, 'Unable to download source audio file', 'callback', 'KIE_SOURCE_DOWNLOAD_FAILED'],
    [455, 'System maintenance', 'submit', 'KIE_MAINTENANCE'],
    [500, 'Server error', 'callback', 'KIE_SERVER_ERROR'],
    [501, 'Generation failed', 'poll', 'KIE_GENERATION_FAILED'],
    [531, 'Generation failed, credits refunded', 'callback', 'KIE_GENERATION_FAILED'],
    [505, 'Feature disabled', 'submit', 'KIE_SERVER_ERROR'],
    [503, 'Service unavailable', 'poll', 'KIE_SERVER_ERROR'],
    [418, 'I am a teapot', 'submit', 'KIE_BAD_PARAMETERS'],
    [200, 'Generation failed', 'callback', 'KIE_GENERATION_FAILED'],
    [0, 'sensitive word detected', 'poll', 'KIE_CONTENT_VIOLATION'],
    [302, 'Found', 'submit', 'KIE_BAD_RESPONSE'],
  ] as const)('WHEN %i "%s" arrives at %s THEN %s', (code, msg, where, expected) => {
    expect(mapKieCode(code, msg, where)).toBe(expected);
  });
});

describe('stems — GIVEN Kie’s two spellings of the same stems', () => {
  it('WHEN record-info camelCase URLs come in any order THEN the same keys, labels and display order as callbacks', () => {
    const files = stemFilesFromRecord({ woodwindsUrl: 'https://k/w.mp3', pianoUrl: 'https://k/p.mp3', vocalUrl: 'https://k/v.mp3', instrumentalUrl: null, originUrl: 'https://k/o.mp3' });
    expect(files).toEqual([
      { key: 'vocal', label: 'Vocals', url: 'https://k/v.mp3' },
      { key: 'piano', label: 'Piano', url: 'https://k/p.mp3' },
      { key: 'woodwinds', label: 'Woodwinds', url: 'https://k/w.mp3' },
    ]);
  });

  it('WHEN a stem URL field Kie may add later appears THEN it is kept after the known ones', () => {
    expect(stemFilesFromRecord({ vocal_url: 'https://k/v.mp3', lead_guitar_url: 'https://k/lg.mp3', origin_url: 'https://k/o.mp3' })).toEqual([
      { key: 'vocal', label: 'Vocals', url: 'https://k/v.mp3' },
      { key: 'lead_guitar', label: 'Lead Guitar', url: 'https://k/lg.mp3' },
    ]);
  });

  it('WHEN only originData is given THEN its group names map to the same keys', () => {
    expect(
      stemFilesFromOriginData([
        { audio_url: 'https://k/i.mp3', stem_type_group_name: 'Instrumental', duration: 245.6 },
        { audio_url: '', stem_type_group_name: 'Vocals' },
        { audio_url: 'https://k/bv.mp3', stem_type_group_name: 'Backing Vocals' },
        { audio_url: 'https://k/x.mp3', stem_type_group_name: 'Electric Guitar' },
      ]),
    ).toEqual([
      { key: 'instrumental', label: 'Instrumental', url: 'https://k/i.mp3', durationSec: 245.6 },
      { key: 'backing_vocals', label: 'Backing Vocals', url: 'https://k/bv.mp3' },
      { key: 'electric_guitar', label: 'Electric Guitar', url: 'https://k/x.mp3' },
    ]);
  });

  it('WHEN a single-instrument result is labelled THEN it carries the stem name; several files are left alone', () => {
    const single = { kind: 'separate', mode: 'single', stem: 'Drum Kit' } as const;
    const done = (files: { key: string; label: string; url: string }[]) => ({ taskId: 't', source: 'callback', stage: 'complete', files }) as const;
    const one = [{ key: 'stem', label: 'Stem', url: 'https://k/1.mp3' }];
    expect(labelSingleStem(single, done(one))).toEqual(done([{ key: 'stem', label: 'Drum Kit', url: 'https://k/1.mp3' }]));
    const two = done([...one, { key: 'b', label: 'B', url: 'https://k/2.mp3' }]);
    expect(labelSingleStem(single, two)).toBe(two);
    // Another mode's single file is not relabelled.
    const vocals = done(one);
    expect(labelSingleStem({ kind: 'separate', mode: 'vocals' }, vocals)).toBe(vocals);
  });

  it('THEN the advanced stem names hold 98 unique names including the common ones', () => {
    expect(ADVANCED_STEM_NAMES).toHaveLength(98);
    expect(new Set(ADVANCED_STEM_NAMES).size).toBe(98);
    for (const n of ['Lead Vocal', 'Backing Vocals', 'Drum Kit', 'Kick', 'Snare', 'Bass', 'Electric Guitar', 'Acoustic Guitar', 'Piano', 'Synth', 'String Section', 'Brass Section', 'Woodwinds', 'Percussion']) {
      expect(ADVANCED_STEM_NAMES).toContain(n);
    }
  });
});
