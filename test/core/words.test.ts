// The core's words for a musician (issue 15, item 6 and 7): failure sentences by job kind, the failed step,
// stage names, empty stems, "for <name>", and follow-up names. The end-to-end versions (what reaches the
// playground, Discord and Slack) are in test/e2e/words-and-names.test.ts and the adapters' suites.
import { describe, expect, it } from 'vitest';
import { missingStemsSentence } from '../../src/core/expected-stems.js';
import { displayTitle, followUpInputName } from '../../src/core/input-name.js';
import { describeFailure, forPerson } from '../../src/core/messages.js';
import { statusView } from '../../src/core/status-view.js';
import type { Command, Job } from '../../src/core/types.js';
import { jobFromCommand } from '../support/job.js';

const origin = { platform: 'discord', workspaceId: 'g', channelId: 'c', userId: 'u', userName: 'alice' } as const;
const separation: Command = { origin, input: { type: 'url', url: 'https://x.example/River.mp3', name: 'River.mp3' }, params: { kind: 'separate', mode: 'stems' } };
const vocals: Command = { origin, input: { type: 'url', url: 'https://x.example/bed.mp3', name: 'bed.mp3' }, params: { kind: 'add_vocals', prompt: 'p', style: 's', title: '[sim:fail-500] River Song' } };
const job = (c: Command, over: Partial<Job> = {}) => jobFromCommand(c, 'job1', 0, over);
const marks = (j: Job) => statusView(j, 1000).steps.map((s) => `${s.label}:${s.state}`).join(' ');

describe('failure sentences by kind', () => {
  it('GIVEN a separation THEN 400 and 413 speak of the audio, never of wording, prompt, style or tags', () => {
    for (const code of ['KIE_CONTENT_VIOLATION', 'KIE_TOO_LONG', 'KIE_BAD_PARAMETERS', 'KIE_GENERATION_FAILED'] as const) {
      const text = describeFailure(code, undefined, 'separate');
      expect(text).not.toMatch(/wording|prompt|style|tags/i);
      expect(text).not.toBe(describeFailure(code));
    }
  });
  it('GIVEN a generation THEN the sentences are unchanged', () => {
    expect(describeFailure('KIE_TOO_LONG', undefined, 'add_vocals')).toBe('The prompt, style or tags are longer than Kie allows. Shorten them and try again.');
    expect(describeFailure('KIE_CONTENT_VIOLATION', undefined, 'add_instrumental')).toContain('Change the wording');
  });
  it('GIVEN a code with no separation wording THEN the shared sentence', () => {
    expect(describeFailure('KIE_INSUFFICIENT_CREDITS', undefined, 'separate')).toBe(describeFailure('KIE_INSUFFICIENT_CREDITS'));
  });
});

describe('the failed step', () => {
  it('GIVEN a generation that failed after the lyrics stage THEN that stage is marked, with musician words', () => {
    expect(marks(job(vocals, { state: 'failed', taskId: 't', failure: { code: 'KIE_SERVER_ERROR', reached: 'text' } }))).toBe(
      'Queued:done Sent to Kie:done Lyrics & arrangement:failed First take:todo Done:todo',
    );
  });
  it('GIVEN a failure before Kie took the job THEN the hand-over is marked, not "Queued"', () => {
    expect(marks(job(vocals, { state: 'failed', failure: { code: 'KIE_INSUFFICIENT_CREDITS', reached: 'queued' } }))).toBe(
      'Queued:done Sent to Kie:failed Lyrics & arrangement:todo First take:todo Done:todo',
    );
  });
  it('GIVEN an older row without `reached` THEN Kie’s task id decides, as before', () => {
    expect(marks(job(separation, { state: 'failed', taskId: 't', failure: { code: 'KIE_SERVER_ERROR' } }))).toBe('Queued:done Separating:failed Done:todo');
  });
  it('GIVEN a running job THEN its stage is current and the title has no simulator tag', () => {
    const v = statusView(job(vocals, { state: 'first' }), 1000);
    expect(v.steps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'current', 'todo']);
    expect(v.title).toBe('Add vocals · “River Song”');
  });
});

describe('empty stems and names', () => {
  it('GIVEN a split missing some stems THEN they are named, in order', () => {
    const files = ['drums', 'bass', 'guitar', 'keyboard', 'percussion', 'strings', 'synth', 'fx', 'woodwinds', 'vocal', 'backing_vocals'].map((key) => ({ key, label: key, url: `https://k/${key}` }));
    expect(missingStemsSentence(job(separation, { state: 'complete', files }))).toBe('No Brass in this song.');
    expect(missingStemsSentence(job(separation, { state: 'complete', files: files.slice(0, 8) }))).toBe('No Vocals, Backing Vocals, Brass or Woodwinds in this song.');
    expect(missingStemsSentence(job(separation, { state: 'complete', files: [...files, { key: 'brass', label: 'Brass', url: 'u' }] }))).toBe('');
  });
  it('GIVEN a name THEN "for <name>"; GIVEN the playground\'s "You" or nothing THEN no words', () => {
    expect(forPerson('alice')).toBe(' for alice');
    expect(forPerson('You')).toBe('');
    expect(forPerson(' ')).toBe('');
  });
  it('GIVEN a follow-up THEN its input is named for the song, take included when there were several', () => {
    const gen = job(vocals, { state: 'complete', files: [{ key: 'track-1', label: 'a', url: 'u1', audioId: 'A1' }, { key: 'track-2', label: 'b', url: 'u2', audioId: 'A2' }] });
    expect(followUpInputName(gen, 'A2')).toBe('River Song (take 2)');
    expect(followUpInputName({ ...gen, files: gen.files.slice(0, 1) }, 'A1')).toBe('River Song');
    expect(followUpInputName(job(separation, { inputName: 'River Song (take 2)' }))).toBe('River Song (take 2)');
    expect(displayTitle('[sim:happy]  Night Drive')).toBe('Night Drive');
  });
});
