// A callback posted as Kie posts it: to the job's callback URL, signed by Kie's rule (docs/kie-api.md) with the
// simulator's signer, so the tests that hand-craft a callback body do not each re-implement the signature.
import { request } from 'undici';
import { signatureHeaders } from '../../src/sim/index.js';

/** POSTs `body` to `${base}/callbacks/kie/${token}`, signed for `taskId` with `key`; answers the status and the parsed JSON body. */
export async function postKieCallback(base: string, token: string, taskId: string, body: unknown, key: string): Promise<{ status: number; body: unknown }> {
  const res = await request(`${base}/callbacks/kie/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signatureHeaders(key, taskId, Date.now()) },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
}
