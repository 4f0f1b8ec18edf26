// Admin notices about the Kie account: a low balance after a submission (KIE_LOW_BALANCE) and Kie's
// out-of-credits failure. Each kind goes out at most once per UTC day, whichever instance sees it first: the
// store's once-only key decides (spend_notices). Notices go to every chat platform with an admin channel.
import { creditsText } from '../core/costs.js';
import type { ChatPorts, Clock, JobStore, KiePort } from '../core/ports.js';
import { utcDay } from '../core/spend.js';

export interface SpendAlertsOptions {
  store: JobStore;
  kie: KiePort;
  chat: ChatPorts;
  clock: Clock;
  /** Notify below this many credits (0 = never). */
  lowBalance: number;
  log: { warn(obj: object, msg: string): void };
  onBalance?: (credits: number) => void;
}

export class SpendAlerts {
  constructor(private readonly o: SpendAlertsOptions) {}

  /**
   * Read the balance after a submission; below the threshold, tell the admins (once a day). The read happens even
   * with KIE_LOW_BALANCE off (0): it is also what keeps the stembot_kie_balance_credits gauge current (`onBalance`),
   * and it runs off the worker's path (background.ts does not await it), one small GET per accepted job.
   */
  async afterSubmit(): Promise<void> {
    const r = await this.o.kie.credits();
    if (!r.ok) {
      this.o.log.warn({ code: r.code }, 'could not read the Kie balance after a submission');
      return;
    }
    this.o.onBalance?.(r.value);
    if (this.o.lowBalance <= 0 || r.value >= this.o.lowBalance) return;
    const now = this.o.clock.now();
    if (!(await this.o.store.claimNotice(`low_balance:${utcDay(now)}`, now))) return;
    await this.notify(
      `stembot: the Kie balance is low — ${creditsText(r.value)} left (alert threshold ${creditsText(this.o.lowBalance)}). Top up at kie.ai before jobs start failing. (At most one such notice a day.)`,
    );
  }

  /** Kie refused a job for lack of credits: tell the admins (once a day). */
  async outOfCredits(): Promise<void> {
    const now = this.o.clock.now();
    if (!(await this.o.store.claimNotice(`out_of_credits:${utcDay(now)}`, now))) return;
    await this.notify('stembot: Kie says the account is out of credits, so jobs are failing. Top up at kie.ai, then people can try again. (At most one such notice a day.)');
  }

  private async notify(text: string): Promise<void> {
    for (const port of Object.values(this.o.chat)) {
      if (!port?.postNotice) continue;
      const r = await port.postNotice(text);
      if (!r.ok && r.code !== 'NOT_FOUND') this.o.log.warn({ platform: port.platform, code: r.code, detail: r.detail }, 'admin notice not posted');
    }
  }
}
