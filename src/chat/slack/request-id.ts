// The id that names one user action across every kind of Slack request: the key of the replay cache
// (../replay-cache.ts).

/** The id that names one user action across every kind of Slack request. */
export function requestId(body: Record<string, unknown>): string | undefined {
  return typeof body.trigger_id === 'string' && body.trigger_id ? body.trigger_id : undefined;
}
