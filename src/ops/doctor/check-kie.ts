// Kie without spending a credit: the balance (GET /api/v1/chat/credit, free) proves the key, and any HTTP
// answer from the upload host proves DNS, TCP, TLS and the host are there (no file is uploaded).
import { defaults, type Config } from '../../config.js';
import { KieClient } from '../../kie/client.js';
import { failed, networkReason, ok, warn, type CheckResult } from './types.js';

export async function checkKie(config: Config): Promise<CheckResult[]> {
  if (config.demo || !config.kie.apiKey) {
    return [warn('Kie', 'demo mode: KIE_API_KEY is not set, so jobs run on the built-in simulator — set it (https://kie.ai/api-key) for real jobs.')];
  }
  return [await checkKeyAndBalance(config, config.kie.apiKey), await checkUploadHost(config)];
}

async function checkKeyAndBalance(config: Config, apiKey: string): Promise<CheckResult> {
  const name = 'Kie key and balance';
  const client = new KieClient({ apiUrl: config.kie.apiUrl, uploadUrl: config.kie.uploadUrl, apiKey, timeoutMs: defaults.doctorRequestTimeoutMs, submitPerWindow: defaults.kieSubmitPerWindow, submitWindowMs: defaults.kieSubmitWindowMs, maxRetries429: 0 });
  try {
    const r = await client.getCredits();
    if (r.ok) {
      if (r.value <= 0) return warn(name, `key accepted, but the balance is ${r.value} credits — top up at https://kie.ai before the first job.`);
      return ok(name, `key accepted, balance ${r.value} credits`);
    }
    switch (r.code) {
      case 'KIE_UNAUTHORIZED':
        return failed(name, `Kie refused KIE_API_KEY (401) — copy the key again from https://kie.ai/api-key.`);
      case 'KIE_UNREACHABLE':
        return failed(name, `KIE_API_URL ${config.kie.apiUrl} is unreachable (${r.detail ?? 'no answer'}) — check the network, a proxy, or KIE_API_URL.`);
      case 'KIE_RATE_LIMITED':
        return warn(name, `Kie answered "too many requests" — try the doctor again in a minute.`);
      default:
        return failed(name, `Kie answered ${r.code}${r.detail ? ` (${r.detail.slice(0, 120)})` : ''} on the balance — check KIE_API_URL and Kie’s status page.`);
    }
  } finally {
    await client.close();
  }
}

async function checkUploadHost(config: Config): Promise<CheckResult> {
  const name = 'Kie upload host';
  try {
    const res = await fetch(config.kie.uploadUrl, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(defaults.doctorRequestTimeoutMs) });
    await res.body?.cancel();
    return ok(name, `${new URL(config.kie.uploadUrl).host} answers (HTTP ${res.status})`);
  } catch (err) {
    return failed(name, `KIE_UPLOAD_URL ${config.kie.uploadUrl} is unreachable (${networkReason(err)}) — check the network, a proxy, or KIE_UPLOAD_URL.`);
  }
}
