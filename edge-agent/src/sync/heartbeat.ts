import type { Telemetry } from '@kiosk/protocols';
import type { Logger } from '../logger';
import { ConnectionLostError } from './errors';
import type { HubSession } from './hub-session';

/**
 * Sends telemetry right away and then every `intervalMs` while the session lasts. A timer chain, not
 * setInterval: one heartbeat in flight at a time, so a slow hub never gets a pile of them.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly session: HubSession,
    private readonly intervalMs: number,
    private readonly collect: () => Telemetry,
    private readonly logger: Logger,
    private readonly onAcked: () => void,
  ) {}

  start(): void {
    this.running = true;
    void this.beat();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async beat(): Promise<void> {
    if (!this.running || !this.session.open) return;
    try {
      const ack = await this.session.sendTelemetry(this.collect());
      if (ack.ok) this.onAcked();
      else this.logger.warn({ code: ack.error.code, message: ack.error.message }, 'hub refused telemetry');
    } catch (error) {
      if (!(error instanceof ConnectionLostError)) this.logger.warn({ err: error }, 'telemetry not acked');
    }
    if (this.running) this.timer = setTimeout(() => void this.beat(), this.intervalMs);
  }
}
