// Slack with the bot token: auth.test succeeds, and its X-OAuth-Scopes header lists the scopes stembot needs
// (slack-manifest.yml). The app's request URLs cannot be read with a bot token (apps.manifest.export needs an
// app configuration token), so the check names the exact URL to set. Facts: docs/deployment-checks.md.
import { defaults, type Config } from '../../config.js';
import { failed, networkReason, ok, skip, warn, type CheckResult } from './types.js';

/** As in slack-manifest.yml: without these stembot cannot work; without the recommended ones it works worse. */
const slackScopes = {
  required: ['commands', 'chat:write', 'files:read', 'files:write'],
  recommended: ['channels:read', 'groups:read', 'im:read', 'mpim:read'],
} as const;

export async function checkSlack(config: Config): Promise<CheckResult[]> {
  const { botToken, apiUrl, appToken } = config.slack;
  if (!botToken) return [skip('Slack', 'SLACK_BOT_TOKEN not set')];
  let res: Response;
  let body: { ok?: boolean; error?: string; team?: string; user?: string };
  try {
    res = await fetch(`${apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      signal: AbortSignal.timeout(defaults.doctorRequestTimeoutMs),
    });
    body = (await res.json()) as typeof body;
  } catch (err) {
    return [failed('Slack token', `auth.test failed (${networkReason(err)}) — check the network, a proxy, or SLACK_API_URL.`)];
  }
  if (!body.ok) {
    return [failed('Slack token', `Slack refused SLACK_BOT_TOKEN (${body.error ?? `HTTP ${res.status}`}) — copy the Bot User OAuth Token (xoxb-…) again from OAuth & Permissions.`)];
  }
  const results: CheckResult[] = [ok('Slack token', `valid, @${body.user ?? '?'} in ${body.team ?? 'the workspace'}`)];

  const header = res.headers.get('x-oauth-scopes');
  if (header === null) {
    results.push(warn('Slack scopes', 'Slack did not list the token’s scopes (no X-OAuth-Scopes header) — compare them with slack-manifest.yml by hand.'));
  } else {
    const granted = new Set(header.split(',').map((s) => s.trim()).filter(Boolean));
    const missing = slackScopes.required.filter((s) => !granted.has(s));
    const missingRecommended = slackScopes.recommended.filter((s) => !granted.has(s));
    if (missing.length > 0) {
      results.push(failed('Slack scopes', `missing ${missing.join(', ')} — add them under OAuth & Permissions (or reinstall from slack-manifest.yml) and reinstall the app.`));
    } else if (missingRecommended.length > 0) {
      results.push(warn('Slack scopes', `missing recommended ${missingRecommended.join(', ')} — add them so stembot can tell “invite me” before a job starts (slack-manifest.yml).`));
    } else {
      results.push(ok('Slack scopes', `${[...slackScopes.required, ...slackScopes.recommended].join(', ')} granted`));
    }
  }

  if (appToken) {
    results.push(ok('Slack request URL', 'Socket Mode (SLACK_APP_TOKEN): Slack needs no request URL'));
  } else if (!config.publicUrl) {
    results.push(failed('Slack request URL', 'HTTP mode (SLACK_SIGNING_SECRET) needs PUBLIC_URL — set it, or use Socket Mode with SLACK_APP_TOKEN.'));
  } else {
    results.push(ok('Slack request URL', `set every request URL of the app (slash commands, interactivity — the URLs in slack-manifest.yml) to ${config.publicUrl}/slack/events; a bot token cannot read them back`));
  }
  return results;
}
