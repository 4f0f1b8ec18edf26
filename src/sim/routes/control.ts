// The HTTP face of `control` for out-of-process callers (benchmarks, the chaos test). Registered only
// when `controlRoutes` is true: a standalone simulator on loopback, never the demo mounted in stembot.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SimulatorControl } from '../control.js';
import { isScenarioName, scenarioNames, type ScenarioInput } from '../scenarios.js';

const step = z.object({
  stage: z.enum(['text', 'first', 'complete', 'failed']),
  afterMs: z.number().min(0),
  lost: z.boolean().optional(),
  duplicate: z.number().int().min(1).max(10).optional(),
  code: z.number().int().optional(),
  msg: z.string().optional(),
});
const script = z.object({
  name: z.string().optional(),
  steps: z.array(step).min(1),
  emptyStems: z.array(z.string()).optional(),
  stemBytes: z.number().int().min(44).optional(),
  infoKey: z.enum(['vocal_separation_info', 'vocal_removal_info']).optional(),
});

/** Accepts `"fail-500"`, `{ "scenario": "fail-500", "count": 3 }`, or an explicit script `{ "steps": [...] }`. */
function parseScript(body: unknown): { input: ScenarioInput; count: number } | string {
  const named = typeof body === 'string' ? body : (body as { scenario?: unknown } | null)?.scenario;
  const count = Number((body as { count?: unknown } | null)?.count ?? 1);
  if (!Number.isInteger(count) || count < 1 || count > 1000) return 'count must be an integer 1–1000';
  if (named !== undefined) return isScenarioName(named) ? { input: named, count } : `unknown scenario; one of ${scenarioNames.join(', ')}`;
  const parsed = script.safeParse(body);
  return parsed.success ? { input: parsed.data, count } : `invalid script: ${parsed.error.issues[0]?.message ?? ''}`;
}

export function controlRoutes(app: FastifyInstance, control: SimulatorControl): void {
  app.post('/__sim/script', async (req, reply) => {
    const parsed = parseScript(req.body);
    if (typeof parsed === 'string') return reply.code(400).send({ ok: false, error: parsed });
    for (let i = 0; i < parsed.count; i++) control.scriptNext(parsed.input);
    return { ok: true, queued: parsed.count };
  });
  app.get('/__sim/stats', async () => control.stats());
  app.get('/__sim/callbacks', async () => control.callbacks());
  app.get('/__sim/uploads', async () => control.uploads());
  app.get('/__sim/tasks', async () => control.tasks());
  app.post('/__sim/reset', async () => {
    control.reset();
    return { ok: true };
  });
}
