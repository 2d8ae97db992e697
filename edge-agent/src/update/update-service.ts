import { readFileSync } from 'node:fs';
import type { AgentUpdateParams, UpdateReport } from '@kiosk/protocols';
import type { Clock } from '../clock';
import { runDetached, type Logger } from '../logger';
import { discardPartial, downloadArtefact, DownloadRefusedError, sha256Of } from './artefact-download';
import { unhealthyBecause, type HealthFacts } from './health-rule';
import type { UpdateHub } from './hub-updates';
import { waitUntilIdle, type KioskActivityFacts } from './idle-gate';
import { switchTo } from './install-rules';
import { writeAtomically, type InstallLayout } from './install-state';
import { ReleaseRefusedError, verifyRelease } from './release-check';
import { installRelease, ReleaseInstallError } from './release-installer';
import type { UpdateJob, UpdateJobFile } from './update-job';

/** How many times a whole artefact whose SHA-256 did not match is fetched again before the update fails. */
export const MAX_DOWNLOAD_RESTARTS = 3;

export interface UpdateServiceDeps {
  jobs: UpdateJobFile;
  /** The A/B install this agent runs in (AGENT_INSTALL_ROOT, set by the supervisor); null: not updatable. */
  layout: InstallLayout | null;
  /** The release public key (SPKI DER) from AGENT_RELEASE_PUBLIC_KEY_FILE; a string: why there is none. */
  releaseKey: Uint8Array | string;
  hub: UpdateHub;
  /** The release this process runs (its unpacked `release.json`), or `base`. */
  running: string;
  activity: { facts: () => KioskActivityFacts; onChange: (listener: () => void) => () => void };
  health: () => Omit<HealthFacts, 'backlogAtStart'>;
  /** Stops the agent and exits with the restart code (AGENT_RESTART_EXIT_CODE); null without a supervisor. */
  requestRestart: (() => void) | null;
  /** Just before the restart: no new session may begin (the kiosk says it is out of service for a moment). */
  beforeSwitch: () => void;
  clock: Clock;
  logger: Logger;
  /** How often waits look again (idle, hub link, health). */
  pollMs?: number;
}

export interface UpdateOffer {
  status: 'succeeded' | 'failed';
  detail: string;
}

/**
 * The kiosk side of an update (issue 19): takes the hub's `agent.update` offer, downloads, verifies and
 * unpacks it beside the running version, waits until the kiosk is idle, flips the install state and
 * exits for the supervisor to start the new version; after the switch, the new version reports
 * `healthy` (and tells the supervisor so) or the old one, started again by the supervisor, reports
 * `rolled-back`. Every step is picked up again after a restart from `job.json`.
 */
export class UpdateService {
  private current: { job: UpdateJob; abort: AbortController } | null = null;
  private readonly pollMs: number;

  constructor(private readonly deps: UpdateServiceDeps) {
    this.pollMs = deps.pollMs ?? 500;
  }

  /** The offer in an `agent.update` command: accepted (the work goes on in the background) or refused. */
  offer(params: AgentUpdateParams): UpdateOffer {
    if (params.version === this.deps.running) {
      // Offered the version it runs (a rollout after a manual install, a re-offer): nothing to do, and it is healthy here.
      this.sendBestEffort({ version: params.version, state: 'healthy', detail: 'already running this version' });
      return { status: 'succeeded', detail: `${params.version} is already running` };
    }
    const refusal = this.refusal();
    if (refusal !== null) {
      this.sendBestEffort({ version: params.version, state: 'failed', detail: refusal });
      return { status: 'failed', detail: refusal };
    }
    if (this.current?.job.params.version === params.version && this.current.job.params.artefactSha256 === params.artefactSha256) {
      return { status: 'succeeded', detail: `update to ${params.version} already in progress` };
    }
    this.current?.abort.abort();
    this.deps.jobs.clear(this.deps.jobs.read());
    const job: UpdateJob = { params, phase: 'downloading', restarts: 0 };
    this.deps.jobs.write(job);
    this.begin(job);
    return { status: 'succeeded', detail: `update to ${params.version} accepted: downloading` };
  }

  /** At start: picks up the job an earlier process left (download, idle wait, or the switch's outcome). */
  resume(): void {
    const job = this.deps.jobs.read();
    if (job) this.begin(job);
  }

  stop(): void {
    this.current?.abort.abort();
  }

  private refusal(): string | null {
    if (typeof this.deps.releaseKey === 'string') return `updates refused: ${this.deps.releaseKey}`;
    if (this.deps.layout === null || this.deps.requestRestart === null) {
      return 'updates refused: this agent does not run under the update supervisor (no AGENT_INSTALL_ROOT)';
    }
    return null;
  }

  private begin(job: UpdateJob): void {
    const abort = new AbortController();
    this.current = { job, abort };
    runDetached(this.deps.logger, 'agent update', async () => {
      try {
        await this.run(job, abort.signal);
      } finally {
        if (this.current?.abort === abort) this.current = null;
      }
    });
  }

  private async run(job: UpdateJob, signal: AbortSignal): Promise<void> {
    const { version } = job.params;
    try {
      if (job.phase === 'switched') return await this.afterSwitch(job, signal);
      const refusal = this.refusal();
      if (refusal !== null) {
        await this.finish(job, { version, state: 'failed', detail: refusal }, signal);
        return;
      }
      if (job.phase === 'downloading') await this.download(job, signal);
      await this.switchWhenIdle(job, signal);
    } catch (error) {
      if (signal.aborted) return;
      const detail = error instanceof ReleaseRefusedError || error instanceof DownloadRefusedError || error instanceof ReleaseInstallError
        ? error.message
        : `update failed: ${error instanceof Error ? error.message : String(error)}`;
      this.deps.logger.error({ version, err: error }, 'agent update failed');
      await this.finish(job, { version, state: 'failed', detail: detail.slice(0, 500) }, signal);
    }
  }

  private async download(job: UpdateJob, signal: AbortSignal): Promise<void> {
    const { params } = job;
    const partial = this.deps.jobs.partialFile(params.version);
    let lastReport = 0;
    this.sendBestEffort({ version: params.version, state: 'downloading', downloadedBytes: 0 });
    for (;;) {
      await downloadArtefact(params, partial, {
        hub: this.deps.hub,
        waitForHub: () => this.waitForHub(signal),
        pause: () => sleep(this.pollMs * 4, signal),
        progress: (downloadedBytes) => {
          const now = Date.now();
          if (now - lastReport < 2000 && downloadedBytes < params.artefactBytes) return;
          lastReport = now;
          this.sendBestEffort({ version: params.version, state: 'downloading', downloadedBytes });
        },
      }, signal);
      const sha256 = await sha256Of(partial);
      if (sha256 === params.artefactSha256) break;
      job.restarts += 1;
      this.deps.jobs.write(job);
      if (job.restarts > MAX_DOWNLOAD_RESTARTS) throw new DownloadRefusedError(`the artefact's SHA-256 did not match ${job.restarts} times`);
      this.deps.logger.warn({ version: params.version, restarts: job.restarts }, 'downloaded artefact does not match its SHA-256; fetching it again');
      this.sendBestEffort({ version: params.version, state: 'downloading', downloadedBytes: 0, detail: `artefact SHA-256 mismatch (a corrupted chunk): downloading again (${job.restarts})` });
      await discardPartial(partial);
    }
    const key = this.deps.releaseKey;
    const layout = this.deps.layout;
    if (typeof key === 'string' || layout === null) throw new Error('not updatable');
    const verified = await verifyRelease(readFileSync(partial), key, params.version);
    const dir = await installRelease(layout, layout.readState(), verified, this.deps.running);
    job.phase = 'installed';
    this.deps.jobs.write(job);
    await discardPartial(partial);
    this.deps.logger.info({ version: params.version, dir }, 'release verified and unpacked beside the running version');
    await this.sendOnce({ version: params.version, state: 'downloaded', downloadedBytes: params.artefactBytes }, signal);
  }

  private async switchWhenIdle(job: UpdateJob, signal: AbortSignal): Promise<void> {
    const { version } = job.params;
    await waitUntilIdle({
      facts: this.deps.activity.facts,
      onChange: this.deps.activity.onChange,
      pollMs: this.pollMs,
      signal,
      onWaiting: () => {
        this.deps.logger.info({ version }, 'update waits until the kiosk is idle');
        this.sendBestEffort({ version, state: 'waiting-idle', detail: 'a session or a payment is in progress' });
      },
    });
    const layout = this.deps.layout;
    const restart = this.deps.requestRestart;
    if (layout === null || restart === null) throw new Error('not updatable');
    this.deps.beforeSwitch();
    job.phase = 'switched';
    this.deps.jobs.write(job);
    layout.writeState(switchTo(layout.readState(), version, this.deps.clock.now()));
    this.deps.logger.info({ version, from: this.deps.running }, 'switching to the new version');
    // Told if the hub is there (at most one ack timeout): the restart does not wait for a hub that is down.
    if (this.deps.hub.connected()) await this.deps.hub.report({ version, state: 'switching' }).catch(() => undefined);
    restart();
  }

  /** After the switch: the new version proves it is healthy, or the old one says it was rolled back to. */
  private async afterSwitch(job: UpdateJob, signal: AbortSignal): Promise<void> {
    const { version } = job.params;
    const layout = this.deps.layout;
    if (layout === null) return this.deps.jobs.clear(job);
    if (this.deps.running === version) {
      await this.becomeHealthy(layout, version, signal);
      await this.finish(job, { version, state: 'healthy' }, signal);
      return;
    }
    const state = layout.readState();
    if (state.rolledBack?.version === version) {
      this.deps.logger.warn({ version, reason: state.rolledBack.reason }, 'the supervisor rolled the update back');
      await this.finish(job, { version, state: 'rolled-back', detail: state.rolledBack.reason }, signal);
      return;
    }
    if (state.active !== version) {
      // Stopped between recording the switch and flipping the state: switch again when idle.
      job.phase = 'installed';
      this.deps.jobs.write(job);
      await this.switchWhenIdle(job, signal);
    }
  }

  private async becomeHealthy(layout: InstallLayout, version: string, signal: AbortSignal): Promise<void> {
    const backlogAtStart = this.deps.health().backlog;
    let lastReason = '';
    for (;;) {
      const reason = unhealthyBecause({ ...this.deps.health(), backlogAtStart });
      if (reason === null) break;
      if (reason !== lastReason) this.deps.logger.info({ version, reason }, 'new version not healthy yet');
      lastReason = reason;
      await sleep(this.pollMs, signal);
    }
    writeAtomically(layout.healthFile, `${JSON.stringify({ version, pid: process.pid, at: this.deps.clock.now().toISOString() })}\n`);
    this.deps.logger.info({ version }, 'new version healthy');
  }

  /** A final report, delivered however long the hub takes; then the job is done (a restart in between sends it again). */
  private async finish(job: UpdateJob, report: UpdateReport, signal: AbortSignal): Promise<void> {
    await this.sendOnce(report, signal);
    this.deps.jobs.clear(job);
  }

  /** Sends until the hub acks it (waiting for the link in between). */
  private async sendOnce(report: UpdateReport, signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      await this.waitForHub(signal);
      try {
        const ack = await this.deps.hub.report(report);
        if (ack.ok) return;
        this.deps.logger.warn({ state: report.state, code: ack.error.code }, 'hub refused an update report');
        return;
      } catch {
        await sleep(this.pollMs, signal);
      }
    }
  }

  private sendBestEffort(report: UpdateReport): void {
    if (!this.deps.hub.connected()) return;
    this.deps.hub.report(report).catch(() => undefined);
  }

  private async waitForHub(signal: AbortSignal): Promise<void> {
    while (!this.deps.hub.connected()) await sleep(this.pollMs, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('stopped'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', aborted);
      resolve();
    }, ms);
    const aborted = (): void => {
      clearTimeout(timer);
      reject(new Error('stopped'));
    };
    signal.addEventListener('abort', aborted, { once: true });
  });
}
