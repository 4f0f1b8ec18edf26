// PUBLIC_URL: https, and a request to PUBLIC_URL/callbacks/kie/probe-<nonce> comes back to this deployment
// (probe.ts). Inside the server the server answers. From the CLI: if HOST:PORT is free, nothing is running,
// so the CLI listens there itself with the same probe route for the duration of the check (the proxy or
// tunnel forwards to that port); if the port is taken, the running server is the one that must answer.
import Fastify from 'fastify';
import { defaults, type Config } from '../../config.js';
import { answerMatches, newNonce, probePrefix, probeRoute } from './probe.js';
import { failed, networkReason, ok, warn, type CheckResult } from './types.js';

const isLocal = (host: string) => ['localhost', '127.0.0.1', '[::1]', '::1'].includes(host) || host.endsWith('.localhost');

export function checkPublicUrlScheme(config: Config): CheckResult {
  const name = 'PUBLIC_URL is https';
  if (!config.publicUrl && config.demo) return ok('PUBLIC_URL', 'not set, and not needed in demo mode: the built-in simulator calls this process directly');
  if (!config.publicUrl) {
    return warn('PUBLIC_URL', 'not set: Kie cannot call back, so stembot polls every 30 s (Discord/Slack HTTP modes need it too) — set it to this server’s https address.');
  }
  const u = new URL(config.publicUrl);
  if (u.protocol === 'https:') return ok(name, config.publicUrl);
  if (isLocal(u.hostname)) return warn(name, `${config.publicUrl} is plain http on this machine: fine for a local test, but Kie, Discord and Slack need a public https URL.`);
  return failed(name, `${config.publicUrl} is plain http — put a TLS terminator or tunnel in front and set PUBLIC_URL=https://…`);
}

export interface ProbeOptions {
  /** Probe key of this deployment (probe.ts). */
  key: Buffer;
  /** CLI: listen on HOST:PORT with the probe route when nothing else does. The server passes false. */
  listenIfFree: boolean;
}

export async function checkPublicUrlRoutesBack(config: Config, o: ProbeOptions): Promise<CheckResult | undefined> {
  if (!config.publicUrl) return undefined;
  const name = 'PUBLIC_URL routes back';
  let stand: Awaited<ReturnType<typeof listenForProbe>> | undefined;
  if (o.listenIfFree) stand = await listenForProbe(config, o.key);
  const nonce = newNonce();
  const url = `${config.publicUrl}/callbacks/kie/${probePrefix}${nonce}`;
  const target = `${config.host}:${config.port}`;
  try {
    const res = await probe(url);
    const text = await res.text();
    let body: { stembot_probe?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON: not stembot
    }
    if (res.ok && answerMatches(o.key, nonce, body.stembot_probe)) {
      return ok(name, `${config.publicUrl}/callbacks/kie/… reached this stembot${stand?.listening ? ` (answered by the doctor listening on ${target}; nothing else was running)` : ''}`);
    }
    if (res.ok && typeof body.stembot_probe === 'string') {
      return failed(name, `${config.publicUrl} reaches a stembot with another configuration (KIE_API_KEY or DATABASE_URL differ) — point PUBLIC_URL at this deployment.`);
    }
    return failed(name, `${config.publicUrl}/callbacks/kie/… answered HTTP ${res.status} from something that is not this stembot — make the proxy or tunnel forward PUBLIC_URL to ${target}.`);
  } catch (err) {
    return failed(name, `${config.publicUrl} is unreachable from here (${networkReason(err)}) — check its DNS name and that the proxy or tunnel forwards it to ${target}.`);
  } finally {
    await stand?.close();
  }
}

async function probe(url: string): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, { signal: AbortSignal.timeout(defaults.doctorRequestTimeoutMs), headers: { accept: 'application/json' } });
    if (![502, 503, 504].includes(res.status) || attempt >= defaults.doctorProbeAttempts) return res;
    await res.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, defaults.doctorProbeRetryDelayMs));
  }
}

/** Listen on HOST:PORT with only the probe route; `listening: false` when the port is taken (a server runs). */
async function listenForProbe(config: Config, key: Buffer): Promise<{ listening: boolean; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  await app.register(probeRoute, { key });
  try {
    await app.listen({ host: config.host, port: config.port });
    return { listening: true, close: () => app.close() };
  } catch {
    await app.close();
    return { listening: false, close: async () => undefined };
  }
}
