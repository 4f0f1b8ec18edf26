// The delivery baseline: what a hand-written relay does — for each stem, download it whole into memory,
// then upload it as one multipart message. Sequential, no temp files, no retries. Reports its wall time and
// its peak RSS growth, sampled the same way as stembot's (every 10 ms), as `RESULT <json>`.
// Env: RELAY_URLS (JSON list), RELAY_CHAT_URL (fake chat API base), RELAY_CHANNEL, RELAY_AUTHORIZATION (sent as
// `Authorization` when set: a fake Discord wants the bot's token).
import { FormData, request } from 'undici';

const urls = JSON.parse(process.env.RELAY_URLS ?? '[]') as string[];
const chat = process.env.RELAY_CHAT_URL!;
const channel = process.env.RELAY_CHANNEL ?? 'naive';
const auth = process.env.RELAY_AUTHORIZATION ? { authorization: process.env.RELAY_AUTHORIZATION } : undefined;

const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);

const started = performance.now();
for (const [i, url] of urls.entries()) {
  const res = await request(url);
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`);
  const bytes = Buffer.from(await res.body.arrayBuffer());
  peak = Math.max(peak, process.memoryUsage().rss);
  const form = new FormData();
  form.append('payload_json', JSON.stringify({ content: `stem ${i + 1}` }));
  form.append('files[0]', new Blob([bytes], { type: 'audio/wav' }), `stem-${i + 1}.wav`);
  const up = await request(`${chat}/channels/${channel}/messages`, { method: 'POST', body: form, ...(auth ? { headers: auth } : {}) });
  if (up.statusCode !== 200) throw new Error(`upload ${i}: ${up.statusCode}`);
  await up.body.dump();
}
const wallMs = performance.now() - started;
clearInterval(sampler);
process.stdout.write(`RESULT ${JSON.stringify({ wallMs, rssGrowthBytes: peak - baseline })}\n`);
