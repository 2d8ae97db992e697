import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '../config';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { RETENTION_REPOSITORY, type RetentionRepository } from '../repositories/retention.repository';
import { SCHEDULER, type Scheduler } from '../repositories/scheduler.repository';
import { TELEMETRY_REPOSITORY, type TelemetryRepository } from '../repositories/telemetry.repository';
import { JOB_LEADERSHIP, type JobLeadership, type LeaderJob } from '../storage/job-leadership';
import { AuthService } from './auth.service';
import { CommandService } from './command.service';
import { LogUploadService } from './log-upload.service';
import { MonitorService } from './monitor.service';
import { fullSweepDue } from './sweep.rules';

/** Names of the scheduled jobs (tests run them by name); the first two run in one hub process at a time. */
export const FLEET_SWEEP = 'fleet-sweep' satisfies LeaderJob;
export const TELEMETRY_PRUNE = 'telemetry-prune' satisfies LeaderJob;
export const CONSOLE_SESSIONS = 'console-sessions';
/** How often live consoles are checked against their sessions (expiry, logout elsewhere, account changes). */
export const CONSOLE_SESSION_CHECK_MS = 1000;

/**
 * The hub's periodic work, on the injected scheduler: the fleet sweep (status from silence, alert
 * thresholds and hold times, command expiry, session expiry), the retention job (telemetry, uploaded
 * logs, kiosk status history, stale login-throttle counters), and the
 * check of live consoles against their sessions. With several hub processes on one database (issue 14)
 * the sweep and the pruning run in the process that leads them; every process checks its own consoles.
 */
@Injectable()
export class SweepService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log: Logger;
  /** Whether this process ran the last fleet sweep (false until it first leads). */
  private sweeping = false;
  private lastFullSweepAtMs: number | null = null;

  constructor(
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(MonitorService) private readonly monitor: MonitorService,
    @Inject(CommandService) private readonly commands: CommandService,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(TELEMETRY_REPOSITORY) private readonly telemetry: TelemetryRepository,
    @Inject(LogUploadService) private readonly logUploads: LogUploadService,
    @Inject(RETENTION_REPOSITORY) private readonly retention: RetentionRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(JOB_LEADERSHIP) private readonly leadership: JobLeadership,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'sweep' });
  }

  onApplicationBootstrap(): void {
    this.scheduler.every(FLEET_SWEEP, this.config.fleet.sweepIntervalMs, () => this.sweepIfLeading());
    this.scheduler.every(TELEMETRY_PRUNE, this.config.fleet.telemetryPruneIntervalMs, async () => {
      if (await this.leadership.leads(TELEMETRY_PRUNE)) await this.prune();
    });
    this.scheduler.every(CONSOLE_SESSIONS, CONSOLE_SESSION_CHECK_MS, async () => {
      await this.auth.endRevokedConsoles();
    });
  }

  /** Before the database closes: nothing scheduled may run against it any more. */
  onModuleDestroy(): void {
    this.scheduler.stop();
  }

  /**
   * The sweep, when this process leads it. A process that takes it over from another sweeps the whole
   * fleet first: its deadlines know nothing of what the other process saw meanwhile (fullSweepDue).
   */
  private async sweepIfLeading(): Promise<void> {
    const leads = await this.leadership.leads(FLEET_SWEEP);
    const ledBefore = this.sweeping;
    this.sweeping = leads;
    if (!leads) return;
    const nowMs = this.clock.now().getTime();
    if (fullSweepDue({ ledBefore, alone: this.leadership.alone, lastFullSweepAtMs: this.lastFullSweepAtMs }, nowMs)) {
      this.monitor.reindex();
      this.lastFullSweepAtMs = nowMs;
    }
    await this.sweep();
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
    const nowMs = this.clock.now().getTime();
    const historyBefore = new Date(nowMs - this.config.fleet.statusHistoryRetentionMs).toISOString();
    const intervals = await this.retention.pruneStatusHistory(historyBefore);
    if (intervals > 0) this.log.info({ intervals, before: historyBefore }, 'kiosk status history pruned');
    // A login-throttle window lasts the lock time (auth.service.ts); rows past it count for nothing.
    const throttles = await this.retention.pruneLoginThrottle(nowMs, this.config.auth.lockMs);
    if (throttles > 0) this.log.info({ throttles }, 'stale login-throttle counters pruned');
  }
}
