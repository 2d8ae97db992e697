import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '../config';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { SCHEDULER, type Scheduler } from '../repositories/scheduler.repository';
import { TELEMETRY_REPOSITORY, type TelemetryRepository } from '../repositories/telemetry.repository';
import { AuthService } from './auth.service';
import { CommandService } from './command.service';
import { LogUploadService } from './log-upload.service';
import { MonitorService } from './monitor.service';

/** Names of the scheduled jobs (tests run them by name). */
export const FLEET_SWEEP = 'fleet-sweep';
export const TELEMETRY_PRUNE = 'telemetry-prune';
export const CONSOLE_SESSIONS = 'console-sessions';
/** How often live consoles are checked against their sessions (expiry, logout elsewhere, account changes). */
export const CONSOLE_SESSION_CHECK_MS = 1000;

/**
 * The hub's periodic work, on the injected scheduler: the fleet sweep (status from silence, alert
 * thresholds and hold times, command expiry, session expiry), the telemetry retention job, and the
 * check of live consoles against their sessions.
 */
@Injectable()
export class SweepService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log: Logger;

  constructor(
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(MonitorService) private readonly monitor: MonitorService,
    @Inject(CommandService) private readonly commands: CommandService,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(TELEMETRY_REPOSITORY) private readonly telemetry: TelemetryRepository,
    @Inject(LogUploadService) private readonly logUploads: LogUploadService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'sweep' });
  }

  onApplicationBootstrap(): void {
    this.scheduler.every(FLEET_SWEEP, this.config.fleet.sweepIntervalMs, () => this.sweep());
    this.scheduler.every(TELEMETRY_PRUNE, this.config.fleet.telemetryPruneIntervalMs, () => this.prune());
    this.scheduler.every(CONSOLE_SESSIONS, CONSOLE_SESSION_CHECK_MS, async () => {
      await this.auth.endRevokedConsoles();
    });
  }

  /** Before the database closes: nothing scheduled may run against it any more. */
  onModuleDestroy(): void {
    this.scheduler.stop();
  }

  async sweep(): Promise<void> {
    await this.monitor.sweep();
    await this.commands.expireDue();
    await this.auth.endExpiredSessions();
  }

  async prune(): Promise<void> {
    const before = new Date(this.clock.now().getTime() - this.config.fleet.telemetryRetentionMs).toISOString();
    const points = await this.telemetry.prune(before);
    if (points > 0) this.log.info({ points, before }, 'telemetry pruned');
    const logChunks = await this.logUploads.prune(before);
    if (logChunks > 0) this.log.info({ logChunks, before }, 'uploaded kiosk logs pruned');
  }
}
