import type { AgentUpdateParams, HubCommand, NewOutboxEvent } from '@kiosk/protocols';
import { DeviceCommandError, type DeviceManager } from '../hardware/device-manager';
import type { AgentState } from '../status/agent-state';
import type { AgentSettings } from '../store/agent-settings';
import { reportCashCollection } from './cash-collection';
import type { LogUploader } from './log-upload';

type CashCollectedParams = Extract<HubCommand, { type: 'cash.collected' }>['params'];

export interface CommandOutcome {
  /**
   * `restarting`: the agent is about to exit for its supervisor to start it again; the command stays
   * pending in the inbox and the next process reports it (so it is never acted on twice).
   */
  status: 'succeeded' | 'failed' | 'restarting';
  detail?: string;
  /** Outbox events committed in the same transaction as the result (before it). */
  events?: NewOutboxEvent[];
  /** A database-only effect, committed in the same transaction as the result (so it happens exactly once). */
  applyInStore?: () => void;
  /** In-memory follow-up once that transaction committed (e.g. push the new status to the UI). */
  afterCommit?: () => void;
}

export interface ConfigRefresher {
  /** Re-reads the configuration; `ok: false` with a reason when it no longer parses. */
  refresh(): { ok: boolean; detail: string };
}

/** The cash box count (sync/telemetry-activity.ts CashBoxCounter). */
export interface CashBox {
  /** Resets the count to zero for command `commandId`, saved; returns what had been counted (the same again for the same id). */
  collect(commandId: string): { coins: number; valueYen: number };
  /** What command `commandId` recorded, if the current count started from that emptying. */
  collectedBy(commandId: string): { coins: number; valueYen: number } | null;
}

export interface CommandExecutorDeps {
  devices: DeviceManager;
  settings: AgentSettings;
  state: AgentState;
  config: ConfigRefresher;
  /** `logs.upload`; null where the agent keeps no recent lines (in-process tests). */
  logs?: LogUploader | null;
  /** Whether a supervisor restarts this process when it exits (`agent.restart`). */
  canRestart?: boolean;
  /** `cash.collected`; null without a coin acceptor. */
  cashBox?: CashBox | null;
  /** `agent.update` (update/update-service.ts); null: refused. */
  updates?: { offer(params: AgentUpdateParams): { status: 'succeeded' | 'failed'; detail: string } } | null;
}

/** Acts on one command. Never throws: every failure becomes a `failed` outcome with a technician-readable detail. */
export class CommandExecutor {
  constructor(private readonly deps: CommandExecutorDeps) {}

  async execute(command: HubCommand): Promise<CommandOutcome> {
    try {
      return await this.dispatch(command);
    } catch (error) {
      if (error instanceof DeviceCommandError) return { status: 'failed', detail: error.message };
      return { status: 'failed', detail: `${command.type} failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /**
   * A command of an earlier run that stopped while acting, when its effect can be told from the kiosk's
   * state: a `cash.collected` whose reset was saved is reported as done (its event and result once).
   * null: unknown, the caller reports it failed.
   */
  recoverInterrupted(command: HubCommand): CommandOutcome | null {
    if (command.type !== 'cash.collected') return null;
    const recorded = this.deps.cashBox?.collectedBy(command.commandId);
    return recorded ? this.cashCollectedOutcome(command.commandId, recorded, command.params) : null;
  }

  private cashCollectedOutcome(commandId: string, recorded: { coins: number; valueYen: number }, params: CashCollectedParams): CommandOutcome {
    const report = reportCashCollection(commandId, recorded, params.countedYen, params.hoppers);
    return { status: 'succeeded', detail: report.detail, events: [{ type: 'cash.collected', payload: report.event }] };
  }

  private async dispatch(command: HubCommand): Promise<CommandOutcome> {
    switch (command.type) {
      case 'ping':
        return { status: 'succeeded', detail: 'pong' };
      case 'config.refresh': {
        const refreshed = this.deps.config.refresh();
        return { status: refreshed.ok ? 'succeeded' : 'failed', detail: refreshed.detail };
      }
      case 'service.set': {
        const { inService, reason } = command.params;
        return {
          status: 'succeeded',
          detail: inService ? 'kiosk back in service' : 'kiosk out of service',
          applyInStore: () =>
            this.deps.settings.setServiceState({ outOfService: !inService, reason: inService ? null : (reason ?? null) }),
          afterCommit: () => this.deps.state.setOutOfService(!inService),
        };
      }
      case 'device.test-print':
        await this.deps.devices.testPrint(command.params.deviceId);
        return { status: 'succeeded', detail: `test page printed on ${command.params.deviceId}` };
      case 'device.reset':
        await this.deps.devices.reset(command.params.deviceId);
        return { status: 'succeeded', detail: `${command.params.deviceId} reset` };
      case 'logs.upload':
        if (!this.deps.logs) return { status: 'failed', detail: 'this agent keeps no recent log lines' };
        return { status: 'succeeded', detail: await this.deps.logs.upload(command.commandId, command.params.minutes) };
      case 'agent.restart':
        if (this.deps.canRestart !== true) return { status: 'failed', detail: 'this agent runs without a supervisor to start it again' };
        return { status: 'restarting', detail: 'agent restarting' };
      case 'cash.collected': {
        if (!this.deps.cashBox) return { status: 'failed', detail: 'this kiosk has no coin acceptor, so no cash box count' };
        const recorded = this.deps.cashBox.collect(command.commandId);
        return this.cashCollectedOutcome(command.commandId, recorded, command.params);
      }
      case 'agent.update':
        // Accepted or refused now; the download, the switch and the outcome go as `update.report`s.
        if (!this.deps.updates) return { status: 'failed', detail: 'this agent cannot update itself' };
        return this.deps.updates.offer(command.params);
    }
  }
}
