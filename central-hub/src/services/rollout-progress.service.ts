import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  HubCommandSchema,
  MAX_COMMAND_TTL_SECONDS,
  MAX_RELEASE_CHUNK_BYTES,
  failure,
  type AuditEntry,
  type SimpleAck,
  type UpdateReport,
} from '@kiosk/protocols';
import { toCommandView } from '../dtos/command.dto';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { RANDOM, type Random } from '../repositories/random.repository';
import { RELEASE_REPOSITORY, type ReleaseRepository } from '../repositories/release.repository';
import { ROLLOUT_REPOSITORY, type RolloutKioskRecord, type RolloutRecord, type RolloutRepository } from '../repositories/rollout.repository';
import { SCHEDULER, type Scheduler } from '../repositories/scheduler.repository';
import { WebsocketRepository } from '../repositories/websocket.repository';
import { JOB_LEADERSHIP, type JobLeadership } from '../storage/job-leadership';
import { AuditService } from './audit.service';
import { runInBackground } from './background';
import { CommandService } from './command.service';
import { KeyedQueue } from './keyed-queue';
import { haltsRollout, judgeStage, nextHealthySince } from './rollout.rules';
import { toRolloutKioskView, toRolloutSummary } from './rollout-views';
import { FLEET_SWEEP } from './sweep.service';

/** The scheduled job that advances rollouts whose stage has been healthy long enough. */
export const ROLLOUT_TICK = 'rollout-tick';
export const ROLLOUT_TICK_MS = 5_000;
const HUB = { actor: 'hub', actorKind: 'system' as const };

/**
 * A rollout's progress (issue 19): offering the release to its current stage's kiosks (as `agent.update`
 * commands, persisted and delivered like every command, also to kiosks that connect later), taking the
 * agents' `update.report`s (a failure or a rollback halts the rollout), and advancing stage by stage.
 * Advancing runs on a tick in the process that leads the fleet sweep, and at once after a healthy report
 * or hello; every change is a guarded update (rollout.repository.ts), so two processes change it once.
 */
@Injectable()
export class RolloutProgressService implements OnApplicationBootstrap {
  private readonly log: Logger;
  /** One step of a rollout at a time in this process. */
  private readonly perRollout = new KeyedQueue(4);

  constructor(
    @Inject(ROLLOUT_REPOSITORY) private readonly rollouts: RolloutRepository,
    @Inject(RELEASE_REPOSITORY) private readonly releases: ReleaseRepository,
    @Inject(CommandService) private readonly commands: CommandService,
    @Inject(WebsocketRepository) private readonly sockets: WebsocketRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(JOB_LEADERSHIP) private readonly leadership: JobLeadership,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'rollouts' });
  }

  onApplicationBootstrap(): void {
    // Under the fleet sweep's leadership: one process ticks (any process may still step after a report).
    this.scheduler.every(ROLLOUT_TICK, ROLLOUT_TICK_MS, async () => {
      if (await this.leadership.leads(FLEET_SWEEP)) await this.tick();
    });
  }

  async tick(): Promise<void> {
    for (const rollout of await this.rollouts.running()) await this.step(rollout.rolloutId);
  }

  /**
   * Offers the release to the kiosks of the stages reached so far that have not had it, then advances
   * while the current stage is done (an empty stage at once), or completes after the last.
   */
  step(rolloutId: string): Promise<void> {
    return this.perRollout.run(rolloutId, async () => {
      for (;;) {
        const rollout = await this.rollouts.find(rolloutId);
        if (!rollout || rollout.state !== 'running') return;
        await this.offerPending(rollout);
        const kiosks = await this.rollouts.kiosksOfStage(rolloutId, rollout.currentStage);
        const stage = rollout.stages[rollout.currentStage];
        if (!stage) return;
        const verdict = judgeStage({
          version: rollout.version,
          stage: rollout.currentStage,
          stageCount: rollout.stages.length,
          healthySeconds: stage.healthySeconds,
          kiosks,
          nowMs: this.clock.now().getTime(),
        });
        if (verdict === 'wait') return;
        const at = this.clock.now().toISOString();
        const facts = { municipality: rollout.scopeMunicipality, target: rolloutId };
        const entry =
          verdict === 'advance'
            ? await this.rollouts.advance(rolloutId, rollout.currentStage, at, this.audit.systemDraft(HUB, { ...facts, action: 'rollout.stage-advanced', outcome: 'ok', detail: { version: rollout.version, from: rollout.currentStage, to: rollout.currentStage + 1 } }))
            : await this.rollouts.changeState(rolloutId, { from: ['running'], to: 'completed', reason: null, at, withdraw: false }, () =>
                this.audit.systemDraft(HUB, { ...facts, action: 'rollout.completed', outcome: 'ok', detail: { version: rollout.version, stages: rollout.stages.length } }),
              );
        if (!entry) return;
        this.log.info({ rolloutId, version: rollout.version, verdict, stage: rollout.currentStage }, verdict === 'advance' ? 'rollout stage advanced' : 'rollout completed');
        await this.published(rolloutId, entry);
        if (verdict === 'complete') return;
      }
    });
  }

  /** `update.report`: stored on the kiosk's row of its newest rollout of that version; a failure or a rollback halts that rollout. */
  async report(kioskId: string, report: UpdateReport): Promise<SimpleAck> {
    const row = await this.rollouts.kioskRowFor(kioskId, report.version);
    if (!row) return failure('not_found', `no rollout offered release ${report.version} to this kiosk`);
    const at = this.clock.now().toISOString();
    const healthySince = nextHealthySince(report.state, row.agentVersion, report.version, row.healthySince, at);
    // Progress is not audited (it is only a number); a repeated report of the same state neither.
    const audited = report.state !== 'downloading' && report.state !== row.state;
    const draft = audited
      ? this.audit.systemDraft(
          { actor: `kiosk:${kioskId}`, actorKind: 'kiosk' },
          {
            action: 'rollout.kiosk-reported',
            outcome: 'ok',
            municipality: row.municipality,
            kioskId,
            target: row.rolloutId,
            detail: { version: report.version, state: report.state, detail: report.detail ?? null },
          },
        )
      : null;
    const entry = await this.rollouts.report(
      row.rolloutId,
      kioskId,
      { state: report.state, detail: report.detail ?? null, downloadedBytes: report.downloadedBytes ?? row.downloadedBytes, healthySince, at },
      draft,
    );
    this.audit.published(entry);
    this.sockets.publishRolloutKiosk(toRolloutKioskView({ ...row, state: report.state, detail: report.detail ?? null, downloadedBytes: report.downloadedBytes ?? row.downloadedBytes, healthySince, updatedAt: at }));
    this.log.info({ kioskId, rolloutId: row.rolloutId, version: report.version, state: report.state }, 'update reported');
    if (haltsRollout(report.state)) await this.halt(row.rolloutId, kioskId, report);
    else if (healthySince !== null) runInBackground(this.log, 'rollout step', () => this.step(row.rolloutId));
    return { ok: true };
  }

  /**
   * After a kiosk's hello: its healthy clock in each active rollout follows the version it now runs
   * (a kiosk back on the old version starts again). One indexed look-up per connection, none per heartbeat.
   */
  async kioskHello(kioskId: string, agentVersion: string): Promise<void> {
    const at = this.clock.now().toISOString();
    for (const row of await this.rollouts.activeRowsOf(kioskId)) {
      const since = nextHealthySince(row.state, agentVersion, row.version, row.healthySince, at);
      if (since === row.healthySince) continue;
      await this.rollouts.setHealthySince(row.rolloutId, kioskId, since);
      this.sockets.publishRolloutKiosk(toRolloutKioskView({ ...row, agentVersion, healthySince: since }));
      if (since !== null && row.rolloutState === 'running') runInBackground(this.log, 'rollout step', () => this.step(row.rolloutId));
    }
  }

  /** Pushes the rollout as it now is (and the audit row that said so) to the consoles. */
  async published(rolloutId: string, entry: AuditEntry | undefined): Promise<void> {
    this.audit.published(entry);
    const rollout = await this.rollouts.find(rolloutId);
    if (!rollout) return;
    const counts = (await this.rollouts.stageCounts([rolloutId])).get(rolloutId) ?? [];
    this.sockets.publishRollout(toRolloutSummary(rollout, counts), rollout.scopeMunicipality);
  }

  private async halt(rolloutId: string, kioskId: string, report: UpdateReport): Promise<void> {
    const rollout = await this.rollouts.find(rolloutId);
    if (!rollout) return;
    const reason = `kiosk ${kioskId}: ${report.state}${report.detail ? ` (${report.detail.slice(0, 200)})` : ''}`;
    const entry = await this.rollouts.changeState(rolloutId, { from: ['running', 'paused'], to: 'halted', reason, at: this.clock.now().toISOString(), withdraw: true }, (withdrawn) =>
      this.audit.systemDraft(HUB, { action: 'rollout.halted', outcome: 'ok', municipality: rollout.scopeMunicipality, kioskId, target: rolloutId, detail: { version: rollout.version, state: report.state, withdrawn } }),
    );
    if (!entry) return;
    this.log.warn({ rolloutId, kioskId, version: rollout.version, state: report.state }, 'rollout halted');
    await this.published(rolloutId, entry);
  }

  private async offerPending(rollout: RolloutRecord): Promise<void> {
    const pending = await this.rollouts.pendingKiosks(rollout.rolloutId, rollout.currentStage);
    if (pending.length === 0) return;
    const artefact = await this.releases.artefactOf(rollout.version);
    if (!artefact) {
      this.log.error({ rolloutId: rollout.rolloutId, version: rollout.version }, 'rollout of a release the hub does not hold');
      return;
    }
    for (const kiosk of pending) await this.offer(rollout, kiosk, artefact);
  }

  private async offer(rollout: RolloutRecord, kiosk: RolloutKioskRecord, artefact: { sha256: string; bytes: number }): Promise<void> {
    const now = this.clock.now();
    const facts = { municipality: kiosk.municipality, kioskId: kiosk.kioskId, target: rollout.rolloutId };
    if (kiosk.agentVersion === rollout.version) {
      // Nothing to download: it counts as healthy on the release from now (its stage's clock starts).
      const entry = await this.rollouts.markRunning(rollout.rolloutId, kiosk.kioskId, now.toISOString(), this.audit.systemDraft(HUB, { ...facts, action: 'rollout.kiosk-reported', outcome: 'ok', detail: { version: rollout.version, state: 'healthy', detail: 'already running this version' } }));
      this.audit.published(entry);
      if (entry) this.sockets.publishRolloutKiosk(toRolloutKioskView({ ...kiosk, state: 'healthy', healthySince: now.toISOString(), updatedAt: now.toISOString() }));
      return;
    }
    const command = HubCommandSchema.parse({
      commandId: this.random.uuidv7(now),
      type: 'agent.update',
      params: { version: rollout.version, artefactSha256: artefact.sha256, artefactBytes: artefact.bytes, chunkBytes: MAX_RELEASE_CHUNK_BYTES },
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + MAX_COMMAND_TTL_SECONDS * 1000).toISOString(),
    });
    const issuedBy = `rollout:${rollout.rolloutId}`;
    const entry = await this.rollouts.offer(
      rollout.rolloutId,
      kiosk.kioskId,
      command,
      issuedBy,
      this.audit.systemDraft(HUB, { ...facts, target: command.commandId, action: 'command.sent', outcome: 'ok', detail: { type: command.type, rolloutId: rollout.rolloutId, version: rollout.version } }),
    );
    if (!entry) return;
    this.audit.published(entry);
    this.log.info({ rolloutId: rollout.rolloutId, kioskId: kiosk.kioskId, commandId: command.commandId, version: rollout.version }, 'release offered');
    const record = { kioskId: kiosk.kioskId, municipality: kiosk.municipality, command, issuedBy, status: 'queued' as const, deliveredAt: null, completedAt: null, detail: null };
    this.sockets.publishCommand(toCommandView(record), kiosk.municipality);
    this.sockets.publishRolloutKiosk(toRolloutKioskView({ ...kiosk, state: 'offered', commandId: command.commandId, offeredAt: command.issuedAt, updatedAt: command.issuedAt }));
    if (await this.sockets.isConnected(kiosk.kioskId)) runInBackground(this.log, 'deliver commands', () => this.commands.deliverPending(kiosk.kioskId));
  }
}
