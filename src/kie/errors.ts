// Kie's numeric codes → stembot's FailureCode. One table for submit envelopes, callbacks and record-info.
//
// What the sources say (they disagree, so the message text breaks ties):
// - Kie endpoint pages (docs.kie.ai/suno-api/separate-vocals): response codes
//   200, 400, 401, 402, 404, 409, 422, 429, 455, 500.
// - The sibling OpenAPI (docs.sunoapi.org add-vocals / add-instrumental, same backend): 400 invalid
//   parameters, 401 unauthorized, 404 bad method or path, 405 rate limit exceeded, 413 theme or prompt too
//   long, 429 insufficient credits, 430 "Your call frequency is too high", 455 system maintenance, 500.
// - Kie's common API page: 402 insufficient credits, 422 validation error, 429 rate limited, 455 service
//   unavailable / maintenance, 501 generation failed, 505 feature disabled.
// - Callback pages (docs/kie-api.md "Callbacks"): 400 bad parameters / unsupported format / content violation,
//   401, 413 too long, 429 insufficient credits, 451 source download failed, 500.
// So an envelope or callback 429 means credits unless its message talks about frequency or rate; the
// HTTP-level 429 of the platform rate limit is handled by the client before this table is consulted.
import type { FailureCode } from '../core/types.js';

export type KieCodeSource = 'submit' | 'callback' | 'poll';

const CONTENT = /violat|sensitive|polic/i;
// `\brate\b` so that "generate" does not count as "rate".
const RATE = /frequen|\brate\b|rate.?limit|too many/i;

/**
 * Map a Kie code (envelope `code`, callback `code`, record-info `errorCode`, or an HTTP status) to a
 * FailureCode. `where` matters only for codes below 400 that are not a plain success: in a callback or a
 * record the job itself failed (generation failed), on submit Kie answered something we do not understand.
 */
export function mapKieCode(code: number, msg: string, where: KieCodeSource): FailureCode {
  const text = msg ?? '';
  switch (code) {
    case 400:
      return CONTENT.test(text) ? 'KIE_CONTENT_VIOLATION' : 'KIE_BAD_PARAMETERS';
    case 401:
    case 403:
      return 'KIE_UNAUTHORIZED';
    case 402:
      return 'KIE_INSUFFICIENT_CREDITS';
    case 405: // "Rate limit exceeded" in the sibling OpenAPI
    case 430:
      return 'KIE_RATE_LIMITED';
    case 413:
      return 'KIE_TOO_LONG';
    case 429:
      return RATE.test(text) ? 'KIE_RATE_LIMITED' : 'KIE_INSUFFICIENT_CREDITS';
    case 451:
      return 'KIE_SOURCE_DOWNLOAD_FAILED';
    case 455:
      return 'KIE_MAINTENANCE';
    case 500:
      return 'KIE_SERVER_ERROR';
    case 501:
    case 531:
      return CONTENT.test(text) ? 'KIE_CONTENT_VIOLATION' : 'KIE_GENERATION_FAILED';
  }
  if (code >= 500) return 'KIE_SERVER_ERROR';
  if (code >= 400) return 'KIE_BAD_PARAMETERS';
  if (where === 'submit') return 'KIE_BAD_RESPONSE';
  // A callback `failed` with code 200, or a failed record without a code.
  return CONTENT.test(text) ? 'KIE_CONTENT_VIOLATION' : 'KIE_GENERATION_FAILED';
}

/**
 * Whether a record-info answer says Kie does not know the task (docs/kie-answers.md): the simulator answers
 * `{code:404, msg:"Task not found: …"}`, Kie's task API documents `{code:422, msg:"recordInfo is null"}`,
 * and a task past Kie's retention reads the same way. Only record-info reads ask this.
 */
export function isTaskNotFound(code: number, msg: string): boolean {
  if (code === 404) return true;
  return (code === 422 || code === 400) && /record.?info is null|not found|does not exist|no such task/i.test(msg);
}
