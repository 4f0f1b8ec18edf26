// Who counts as a Slack admin for stembot: the user ids in SLACK_ADMIN_USER_IDS, or a workspace admin or
// owner as `users.info` reports them (needs the users:read scope; without it only the configured list counts).
// Admins see the Kie balance in `/credits` and may cancel anyone's job. https://docs.slack.dev/reference/methods/users.info
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../ops/logger.js';

export function parseAdminIds(raw: string | undefined): { ok: true; ids: string[] } | { ok: false; message: string } {
  const ids = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!ids.every((id) => /^[UW][A-Z0-9]{2,}$/.test(id))) return { ok: false, message: 'Invalid configuration: SLACK_ADMIN_USER_IDS must be a comma list of Slack user ids (U…)' };
  return { ok: true, ids };
}

export function adminCheck(web: WebClient, configured: string[], log: Logger): (userId: string) => Promise<boolean> {
  return async (userId) => {
    if (configured.includes(userId)) return true;
    try {
      const r = (await web.users.info({ user: userId })) as { user?: { is_admin?: boolean; is_owner?: boolean; is_primary_owner?: boolean } };
      return Boolean(r.user?.is_admin || r.user?.is_owner || r.user?.is_primary_owner);
    } catch (err) {
      // No users:read scope, or Slack unreachable: not an admin (the safe answer), and say why in the log.
      log.warn({ err: (err as Error).message }, 'slack users.info failed; treating the user as not an admin');
      return false;
    }
  };
}
