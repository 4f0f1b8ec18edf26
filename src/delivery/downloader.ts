// Downloads a stem to a temp file: streamed (never whole in memory), size-capped, timed out, redirects
// re-checked, and only from public https hosts unless allow-listed (see address-guard.ts).
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, request, type Dispatcher } from 'undici';
import type { Result } from '../core/types.js';
import { AllowList, guardedLookup, UrlChecker } from './address-guard.js';

export type DownloadError = 'BLOCKED' | 'TOO_LARGE' | 'HTTP_ERROR' | 'NETWORK';
export interface Downloaded {
  path: string;
  bytes: number;
  contentType: string;
  /** Removes the temp file and its folder. */
  cleanup(): Promise<void>;
}

export interface DownloaderOptions {
  allowHosts: string[];
  timeoutMs: number;
  /** For tests: replaces both agents. */
  dispatcher?: Dispatcher;
  tmpDir?: string;
  maxRedirects?: number;
}

class TooLarge extends Error {}

export class Downloader {
  private readonly allow: AllowList;
  private readonly urls: UrlChecker;
  private readonly publicAgent: Dispatcher;
  private readonly allowedAgent: Dispatcher;

  constructor(private readonly o: DownloaderOptions) {
    this.allow = new AllowList(o.allowHosts);
    this.urls = new UrlChecker(this.allow);
    this.publicAgent = o.dispatcher ?? new Agent({ connect: { lookup: guardedLookup as never }, headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs });
    this.allowedAgent = o.dispatcher ?? new Agent({ headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs });
  }

  allowHost(host: string): void {
    this.allow.add(host);
  }

  /** Allow only `prefix` on `host` (the demo simulator's /kie-sim/ files on this very server). */
  allowHostPath(host: string, prefix: string): void {
    this.allow.addPath(host, prefix);
  }

  /** Cheap pre-check usable on the hot path (no DNS). */
  checkUrl(raw: string) {
    return this.urls.check(raw);
  }

  /** Never throws: every failure (a refused address, a broken redirect, a full disk) is a coded result. */
  async download(raw: string, opts: { maxBytes: number; headers?: Record<string, string> }): Promise<Result<Downloaded, DownloadError>> {
    try {
      return await this.fetch(raw, opts);
    } catch (e) {
      return { ok: false, code: 'NETWORK', detail: e instanceof Error ? e.message : String(e) };
    }
  }

  private async fetch(raw: string, opts: { maxBytes: number; headers?: Record<string, string> }): Promise<Result<Downloaded, DownloadError>> {
    let url = raw;
    for (let hop = 0; hop <= (this.o.maxRedirects ?? 3); hop++) {
      // Every hop is checked again: a redirect may point anywhere.
      const verdict = this.checkUrl(url);
      if (!verdict.ok) return { ok: false, code: 'BLOCKED', detail: verdict.reason };
      const parsed = new URL(url);
      const dispatcher = this.allow.allows(parsed) ? this.allowedAgent : this.publicAgent;
      let res: Dispatcher.ResponseData;
      try {
        res = await request(url, { dispatcher, headers: opts.headers, signal: AbortSignal.timeout(this.o.timeoutMs) });
      } catch (e) {
        const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
        if (err.code === 'ESSRF' || err.cause?.code === 'ESSRF') return { ok: false, code: 'BLOCKED', detail: (err.cause ?? err).message };
        return { ok: false, code: 'NETWORK', detail: err.message };
      }
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
        await res.body.dump().catch(() => undefined);
        const location = String(res.headers.location);
        if (!URL.canParse(location, url)) return { ok: false, code: 'HTTP_ERROR', detail: `HTTP ${res.statusCode} to an unparseable Location` };
        const next = new URL(location, url);
        // Credentials never follow a redirect to another origin (scheme, host and port: not even https → http).
        if (opts.headers && next.origin !== parsed.origin) opts = { maxBytes: opts.maxBytes };
        url = next.toString();
        continue;
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        return { ok: false, code: 'HTTP_ERROR', detail: `HTTP ${res.statusCode}` };
      }
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > opts.maxBytes) {
        await res.body.destroy();
        return { ok: false, code: 'TOO_LARGE', detail: `${declared} bytes` };
      }
      return this.save(res, opts.maxBytes, String(res.headers['content-type'] ?? 'application/octet-stream'));
    }
    return { ok: false, code: 'HTTP_ERROR', detail: 'too many redirects' };
  }

  private async save(res: Dispatcher.ResponseData, maxBytes: number, contentType: string): Promise<Result<Downloaded, DownloadError>> {
    let dir: string | null = null;
    const cleanup = async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    };
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        cb(bytes > maxBytes ? new TooLarge() : null, chunk);
      },
    });
    try {
      dir = await mkdtemp(join(this.o.tmpDir ?? tmpdir(), 'stembot-'));
      const path = join(dir, 'file');
      await pipeline(res.body, counter, createWriteStream(path));
      return { ok: true, value: { path, bytes, contentType, cleanup } };
    } catch (e) {
      // Whatever failed (the body, the cap, our disk), nothing stays behind: not the folder, not the socket.
      res.body.destroy();
      await cleanup();
      if (e instanceof TooLarge) return { ok: false, code: 'TOO_LARGE', detail: `over ${maxBytes} bytes` };
      return { ok: false, code: 'NETWORK', detail: (e as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.o.dispatcher) return;
    await Promise.all([this.publicAgent.close(), this.allowedAgent.close()]);
  }
}
