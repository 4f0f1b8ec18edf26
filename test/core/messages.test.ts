// What a failure looks like in chat: our sentence, plus Kie's own words when Kie gave them; never our internals
// (downloader verdicts, network errors, parse errors), which stay in the log and the job record.
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/core/messages.js';
import type { FailureCode } from '../../src/core/types.js';

describe('describeFailure', () => {
  it('GIVEN Kie’s own message THEN it follows our sentence', () => {
    expect(describeFailure('KIE_BAD_PARAMETERS', 'Unsupported audio format')).toMatch(/\(Kie said: Unsupported audio format\)$/);
    expect(describeFailure('KIE_SOURCE_DOWNLOAD_FAILED', 'Download Failed - unable to download source audio file')).toContain('Kie said: Download Failed');
    expect(describeFailure('INPUT_INVALID', 'title is required')).toContain('(title is required)');
  });

  const internal: [FailureCode, string][] = [
    ['INPUT_BLOCKED', 'refused: vm resolves to non-public 127.0.0.1'],
    ['INPUT_BLOCKED', 'address 10.0.0.7 is not public'],
    ['UPLOAD_FAILED', 'KIE_UNREACHABLE: connect ECONNREFUSED 10.20.0.4:443'],
    ['UPLOAD_FAILED', 'cannot read the local file (ENOENT)'],
    ['KIE_UNREACHABLE', 'getaddrinfo ENOTFOUND kie-proxy.internal'],
    ['KIE_BAD_RESPONSE', 'record-info: data.response expected object, received null\n    at parse (/app/dist/src/kie/http.js:77:9)'],
    ['INPUT_UNREADABLE', 'socket hang up'],
    ['POLL_GAVE_UP', 'last poll: HTTP 502 from 172.17.0.3'],
    ['CHAT_UNAVAILABLE', 'chat: FORBIDDEN 403 50013: Missing Permissions'],
  ];
  for (const [code, detail] of internal) {
    it(`GIVEN ${code} with our own detail "${detail.slice(0, 40)}" THEN chat gets the sentence alone`, () => {
      const text = describeFailure(code, detail);
      expect(text).toBe(describeFailure(code));
      for (const bad of [/\d+\.\d+\.\d+\.\d+/, /E[A-Z]{4,}/, /non-public|not public|resolves/, /internal/, /\bat \w+ \(/]) expect(text).not.toMatch(bad);
    });
  }

  it('GIVEN a blocked download THEN the sentence says so in plain words', () => {
    expect(describeFailure('INPUT_BLOCKED')).toContain('could not be fetched from an allowed public address');
  });
});
