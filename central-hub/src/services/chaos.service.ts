import { Inject, Injectable } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '../config';
import { LOGGER, type Logger } from '../logger';
import { PROCESS_CONTROL, type ProcessControl } from '../repositories/process.repository';

/**
 * Test-only fault injection, configured by KIOSK_CHAOS (see config.ts); inert when unset. It exists so
 * the cross-package tests can prove that a batch committed by the hub but never acked is absorbed as
 * duplicates when the agent sends it again.
 */
@Injectable()
export class ChaosService {
  private committedBatches = 0;
  private readonly log: Logger;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(PROCESS_CONTROL) private readonly processControl: ProcessControl,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'chaos' });
  }

  /** Called right after an `events` batch transaction commits, before its ack is sent. */
  afterBatchCommitted(): void {
    const crashAt = this.config.chaos.hubCrashAfterCommit;
    if (crashAt === undefined) return;
    this.committedBatches++;
    if (this.committedBatches !== crashAt) return;
    this.log.warn({ batch: this.committedBatches }, 'KIOSK_CHAOS: killing the hub after commit, before ack');
    this.processControl.killHard();
  }
}
