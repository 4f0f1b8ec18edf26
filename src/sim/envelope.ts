// Kie answers every call with an envelope `{ code, msg, data }` (the File Upload API adds `success`).
// Most refusals are HTTP 200 with an error `code`; auth, rate limit and oversize bodies also set the
// HTTP status, so a client must check both (docs/kie-api.md).
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface Envelope<T = unknown> {
  code: number;
  msg: string;
  data: T | null;
}

export function ok<T>(data: T): Envelope<T> {
  return { code: 200, msg: 'success', data };
}

export function fail(code: number, msg: string): Envelope<never> {
  return { code, msg, data: null };
}

export function uploadOk<T>(data: T): Envelope<T> & { success: true } {
  return { success: true, code: 200, msg: 'File uploaded successfully', data };
}

export function uploadFail(code: number, msg: string): Envelope<never> & { success: false } {
  return { success: false, code, msg, data: null };
}

/** The bearer token, or undefined after answering 401 (missing, malformed, or not the configured key). */
export function requireBearer(req: FastifyRequest, reply: FastifyReply, apiKey: string | undefined, upload = false): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  const key = match?.[1];
  if (key && (apiKey === undefined || key === apiKey)) return key;
  const msg = 'You do not have access permissions';
  void reply.code(401).send(upload ? uploadFail(401, msg) : fail(401, msg));
  return undefined;
}
