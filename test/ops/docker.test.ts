// Issue 11 item 4: the README's `docker run -p 3000:3000 -v stembot-data:/data --env-file .env stembot` with
// `.env` copied from `.env.example`. No Docker engine here, so: the image's runtime stage read from the
// Dockerfile, and the process started as the image would run it — a non-root user, a read-only working
// folder (/app is root-owned), the image's ENV overridden by the `.env.example` values (as --env-file does)
// and DATA_DIR a writable folder (the /data volume) — must answer GET /healthz.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../multi/processes.js';
import { root, runEntry } from './entry.js';

/** The last stage's instructions, continuation lines joined. */
function runtimeStage(): { from: string[]; env: Record<string, string>; lines: string[] } {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const from = lines.filter((l) => /^FROM /i.test(l));
  const last = lines.slice(lines.lastIndexOf(from.at(-1)!));
  const env: Record<string, string> = {};
  for (const l of last.filter((x) => /^ENV /i.test(x))) for (const m of l.slice(4).matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
  return { from, env, lines: last };
}

const envExample = () => parseEnv(readFileSync(join(root, '.env.example'), 'utf8')) as Record<string, string>;

describe('the Docker image (read from the Dockerfile)', () => {
  it('GIVEN the Dockerfile THEN it is multi-stage and the runtime stage sets HOST=0.0.0.0, PORT, DATA_DIR=/data and the database under /data', () => {
    const s = runtimeStage();
    expect(s.from.length).toBeGreaterThanOrEqual(2);
    expect(s.lines.some((l) => /^COPY --from=build /.test(l))).toBe(true);
    expect(s.env).toMatchObject({ HOST: '0.0.0.0', PORT: '3000', DATA_DIR: '/data', DATABASE_URL: 'sqlite:/data/stembot.db', NODE_ENV: 'production' });
    expect(s.lines).toContain('VOLUME ["/data"]');
  });

  it('GIVEN the runtime stage THEN it runs as a non-root user, checks /healthz, and `stembot doctor` reaches the doctor', () => {
    const s = runtimeStage();
    const user = s.lines.filter((l) => /^USER /i.test(l)).at(-1);
    expect(user).toBeDefined();
    expect(user!.slice(5).trim()).not.toMatch(/^(root|0)(:|$)/);
    expect(s.lines.find((l) => /^HEALTHCHECK /i.test(l))).toMatch(/\/healthz/);
    expect(s.lines).toContain('ENTRYPOINT ["node", "dist/main.js"]');
    expect(s.lines.some((l) => /^CMD /i.test(l) && !/^CMD node -e/.test(l))).toBe(false);
  });

  it('GIVEN .env.example THEN it sets none of the variables the image sets (its defaults win under --env-file)', () => {
    const set = envExample();
    for (const name of Object.keys(runtimeStage().env)) expect(set, name).not.toHaveProperty(name);
  });
});

describe('started as the image runs it (non-root, read-only working folder, .env.example values)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('GIVEN .env.example over the image ENV, run as nobody from a read-only folder THEN it starts and /healthz answers 200', async () => {
    const app = mkdtempSync(join(tmpdir(), 'stembot-app-'));
    const data = mkdtempSync(join(tmpdir(), 'stembot-volume-'));
    dirs.push(app, data);
    copyFileSync(join(root, '.env.example'), join(app, '.env'));
    chmodSync(app, 0o555); // root-owned and read-only, like /app in the image
    const uid = Number(execFileSync('id', ['-u', 'nobody']).toString());
    const gid = Number(execFileSync('id', ['-g', 'nobody']).toString());
    chownSync(data, uid, gid); // the volume, writable by the image's user
    mkdirSync(join(data, 'x'), { recursive: true });
    chownSync(join(data, 'x'), uid, gid);

    const port = await freePort();
    const image = { ...runtimeStage().env, PORT: String(port), DATA_DIR: join(data, 'x'), DATABASE_URL: `sqlite:${join(data, 'x', 'stembot.db')}` };
    // docker run --env-file: the file's values override the image's ENV.
    const env = { ...image, ...envExample() };
    let health = 0;
    const r = await runEntry([], env, {
      cwd: app,
      user: 'nobody',
      until: 'stembot is running',
      meanwhile: async () => void (health = (await fetch(`http://127.0.0.1:${port}/healthz`)).status),
    });
    expect(r.stderr, r.stdout + r.stderr).toBe('');
    expect(health, r.stdout).toBe(200);
    // It wrote only to the volume.
    expect(readFileSync(join(data, 'x', 'stembot.db')).length).toBeGreaterThan(0);
  });
});
