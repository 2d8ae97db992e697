import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { AuditCheckpoint } from '@kiosk/protocols';
import { HUB_CONFIG, type HubConfig } from '../config';
import { LOGGER, type Logger } from '../logger';
import { AUDIT_CHECKPOINT_FILE, type AuditCheckpointFile } from '../repositories/audit-checkpoint-file.repository';
import { AUDIT_SIGNING_KEY, type AuditSigningKey } from '../repositories/audit-key.repository';
import { AUDIT_REPOSITORY, type AuditRepository } from '../repositories/audit.repository';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { SCHEDULER, type Scheduler } from '../repositories/scheduler.repository';
import { JOB_LEADERSHIP, type JobLeadership, type LeaderJob } from '../storage/job-leadership';
import { AuditChainWalk, type ChainHead } from './audit-chain.rules';
import { signCheckpoint } from './audit-checkpoint.rules';

/** The scheduled job (tests run it by name); one hub process signs at a time. */
export const AUDIT_CHECKPOINT = 'audit-checkpoint' satisfies LeaderJob;
/** The checkpoint asked for once `checkpointEvery` rows were appended. */
const AUDIT_CHECKPOINT_DUE = 'audit-checkpoint-due';
/** Rows read per query while checking the chain since the last checkpoint. */
const WALK_PAGE_ROWS = 1000;

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Signs the audit trail's head with the hub's key (kept in a file, never in the database) and appends
 * the checkpoint to `audit-checkpoints.jsonl` (issue 15): every `checkpointEvery` appends, every
 * `checkpointIntervalMs` when rows were appended, and at a clean shutdown. Before signing it walks the
 * rows appended since its last checkpoint, so it never vouches for a chain that was already broken.
 * With several hub processes only the one leading `audit-checkpoint` signs; each writes its own file.
 */
@Injectable()
export class AuditCheckpointService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log: Logger;
  /** The head of this process's last checkpoint (from its file at start). */
  private last: ChainHead | undefined;
  /** Whether this process led the job when it last asked. */
  private leading = false;
  /** One checkpoint at a time in this process. */
  private running: Promise<AuditCheckpoint | undefined> = Promise.resolve(undefined);

  constructor(
    @Inject(AUDIT_REPOSITORY) private readonly audit: AuditRepository,
    @Inject(AUDIT_SIGNING_KEY) private readonly key: AuditSigningKey,
    @Inject(AUDIT_CHECKPOINT_FILE) private readonly file: AuditCheckpointFile,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(JOB_LEADERSHIP) private readonly leadership: JobLeadership,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'audit-checkpoint' });
    try {
      const last = this.file.all().at(-1);
      this.last = last && { seq: last.seq, hash: last.hash };
    } catch (error) {
      // A damaged export stays as it is for the auditor to see; this process checks from the first row.
      this.log.error({ file: this.file.file, err: message(error) }, 'audit checkpoint file unreadable; new checkpoints are appended after it');
    }
  }

  onApplicationBootstrap(): void {
    this.scheduler.every(AUDIT_CHECKPOINT, this.config.audit.checkpointIntervalMs, async () => {
      await this.checkpointIfLeading();
    });
  }

  /**
   * The last words of a clean stop (the database is still open: it closes at application shutdown), by
   * the process that leads the job; one that never led does not reach for the lock on its way out.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.leadership.alone && !this.leading) return;
    try {
      await this.checkpointIfLeading();
    } catch (error) {
      this.log.error({ err: message(error) }, 'audit checkpoint at shutdown failed');
    }
  }

  /** The export file's text and the public key that checks it. */
  exported(): { checkpoints: string; publicKeyPem: string } {
    return { checkpoints: this.file.text(), publicKeyPem: this.key.publicKeyPem };
  }

  /** Told of each row this process appended: a checkpoint is due every `checkpointEvery` rows. */
  appended(seq: number): void {
    if (seq - (this.last?.seq ?? 0) < this.config.audit.checkpointEvery) return;
    this.scheduler.defer(AUDIT_CHECKPOINT_DUE, 0, async () => {
      await this.checkpointIfLeading();
    });
  }

  /** Signs the current head if this process leads the job and rows were appended since its last checkpoint. */
  checkpointIfLeading(): Promise<AuditCheckpoint | undefined> {
    const next = this.running.then(async () => {
      this.leading = await this.leadership.leads(AUDIT_CHECKPOINT);
      return this.leading ? this.checkpoint() : undefined;
    });
    this.running = next.catch(() => undefined);
    return next;
  }

  private async checkpoint(): Promise<AuditCheckpoint | undefined> {
    const head = await this.audit.head();
    if (!head || head.seq === 0 || (this.last?.seq === head.seq && this.last.hash === head.hash)) return undefined;
    const broken = await this.brokenSinceLast(head);
    if (broken) {
      this.log.error({ seq: head.seq, problem: broken }, 'audit chain does not follow the last checkpoint: not signing (run verify-audit)');
      return undefined;
    }
    const checkpoint = signCheckpoint(head, this.clock.now().toISOString(), this.key.privateKey);
    this.file.append(checkpoint);
    this.last = head;
    this.log.info({ seq: checkpoint.seq, keyId: checkpoint.keyId }, 'audit checkpoint signed');
    return checkpoint;
  }

  /** Walks the rows after the last checkpoint up to `head`; the problem found, or undefined when they hold. */
  private async brokenSinceLast(head: ChainHead): Promise<string | undefined> {
    const from = this.last && this.last.seq <= head.seq ? this.last : undefined;
    if (this.last && !from) return `the head (row ${head.seq}) is below the last checkpoint (row ${this.last.seq})`;
    if (from) {
      const [row] = await this.audit.rowsBetween(from.seq - 1, from.seq, 1);
      if (row?.hash !== from.hash) return `row ${from.seq} is not the row last checkpointed`;
    }
    const walk = new AuditChainWalk(from);
    for (let after = from?.seq ?? 0; after < head.seq; ) {
      const rows = await this.audit.rowsBetween(after, head.seq, WALK_PAGE_ROWS);
      for (const row of rows) {
        const broken = walk.next(row);
        if (broken && !broken.ok) return broken.message;
      }
      const lastRow = rows.at(-1);
      if (!lastRow) break;
      after = lastRow.seq;
    }
    const verdict = walk.end(head);
    return verdict.ok ? undefined : verdict.message;
  }
}
