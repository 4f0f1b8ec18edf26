// The machine a run came from: figures are only ever compared with baselines of the same run, but a
// reader still needs to know what "fast" was measured on.
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  freeMemoryGiB: number;
  os: string;
  node: string;
  loadAverage1m: number;
}

export function machine(): Machine {
  const c = cpus();
  return {
    cpus: c.length,
    cpuModel: c[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    freeMemoryGiB: Math.round(freemem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}
