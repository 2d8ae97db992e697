import { HubCommandSchema, failure, parseMessage, type CommandReceipt, type HubCommand } from '@kiosk/protocols';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { AgentStore } from '../store/agent-store';
import type { CommandOutcomeStatus } from '../store/inbox';
import type { CommandExecutor, CommandOutcome } from './command-executor';
import { clipDetail, planCommand } from './command-plan';

export interface ReceivedCommand {
  /** What to ack to the hub, right away: the command is recorded (or was already). */
  receipt: CommandReceipt;
  /** The work to run after acking, if any; its result goes through the outbox. */
  followUp: (() => Promise<void>) | null;
}

/**
 * The persistent inbox in action: validate, record (commit) before acting, ack, act, then commit the
 * inbox completion and the `command.result` event in one transaction.
 */
export class CommandService {
  constructor(
    private readonly store: AgentStore,
    private readonly executor: CommandExecutor,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Stops the process for its supervisor to start it again (`agent.restart`); never returns to the caller's flow. */
    private readonly restart: () => void = () => undefined,
  ) {}

  receive(input: unknown): ReceivedCommand {
    const parsed = parseMessage(HubCommandSchema, input, 'command');
    if (!parsed.ok) {
      this.logger.warn({ issues: parsed.error.issues }, 'refused a malformed hub command');
      return { receipt: parsed, followUp: null };
    }
    const command = parsed.value;
    let recorded: 'new' | 'duplicate';
    try {
      recorded = this.store.inbox.record(command, this.clock.now());
    } catch (error) {
      // Not recorded means not acked: the hub keeps the command and sends it again later.
      this.logger.error({ err: error, commandId: command.commandId }, 'could not record a hub command');
      return { receipt: failure('internal', 'the kiosk could not record the command; send it again'), followUp: null };
    }
    const plan = planCommand(recorded, command.expiresAt, this.clock.now());
    this.logger.info({ commandId: command.commandId, type: command.type, action: plan.action }, 'hub command received');
    switch (plan.action) {
      case 'none':
        return { receipt: plan.receipt, followUp: null };
      case 'expire':
        return {
          receipt: plan.receipt,
          followUp: () => {
            this.complete(command, 'expired', { detail: `expired at ${command.expiresAt}, before it reached the kiosk` });
            return Promise.resolve();
          },
        };
      case 'execute':
        return {
          receipt: plan.receipt,
          followUp: async () => {
            const outcome = await this.executor.execute(command);
            if (outcome.status === 'restarting') {
              // Left pending in the inbox on purpose: the next process finds it and reports it succeeded.
              this.logger.info({ commandId: command.commandId }, 'agent restarting on a hub command');
              this.restart();
              return;
            }
            this.complete(command, outcome.status, outcome);
          },
        };
    }
  }

  /**
   * Commands recorded by an earlier run that never completed: the agent stopped while acting. Whether the
   * effect happened is unknown, so they are not run again (that could print twice); they are reported
   * failed so a technician can decide. The exception is `agent.restart`: stopping was its effect, and
   * this process running is the proof it worked, so it is reported succeeded (once: the inbox row and
   * the result commit together). So is a `cash.collected` whose reset was saved (CommandExecutor.recoverInterrupted).
   */
  recoverInterrupted(): number {
    const pending = this.store.inbox.pending();
    for (const command of pending) {
      const recovered = command.command ? this.executor.recoverInterrupted(command.command) : null;
      if (command.command && recovered && recovered.status !== 'restarting') {
        this.complete(command.command, recovered.status, recovered);
        continue;
      }
      const restarted = command.type === 'agent.restart';
      const status = restarted ? 'succeeded' : 'failed';
      const detail = restarted
        ? `agent restarted (now pid ${process.pid})`
        : `the agent stopped while running this ${command.type} command; not retried, check the kiosk`;
      this.store.atomically(() => {
        this.store.inbox.complete(command.commandId, status, this.clock.now());
        this.store.outbox.enqueue({ type: 'command.result', payload: { commandId: command.commandId, status, detail } });
      });
      if (restarted) this.logger.info({ commandId: command.commandId, type: command.type }, 'agent back after a restart command');
      else this.logger.warn({ commandId: command.commandId, type: command.type }, 'interrupted hub command reported failed');
    }
    return pending.length;
  }

  private complete(command: HubCommand, status: CommandOutcomeStatus, outcome: Omit<CommandOutcome, 'status'>): void {
    const detail = outcome.detail === undefined ? undefined : clipDetail(outcome.detail);
    this.store.atomically(() => {
      outcome.applyInStore?.();
      for (const event of outcome.events ?? []) this.store.outbox.enqueue(event);
      this.store.inbox.complete(command.commandId, status, this.clock.now());
      this.store.outbox.enqueue({
        type: 'command.result',
        payload: { commandId: command.commandId, status, ...(detail === undefined ? {} : { detail }) },
      });
    });
    outcome.afterCommit?.();
    this.logger.info({ commandId: command.commandId, type: command.type, status }, 'hub command completed');
  }
}
