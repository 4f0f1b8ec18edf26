// A pass that runs every `tickMs` in the background (the poller, the queue-position refresher): overlapping
// ticks share the pass in progress, and stop() waits for it, so a shutdown never cuts a pass in half.
export class PeriodicPass {
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly tickMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.busy;
  }

  /** One pass; a call while one runs gets that pass. */
  tick(): Promise<void> {
    this.busy ??= this.pass().finally(() => (this.busy = null));
    return this.busy;
  }
}
