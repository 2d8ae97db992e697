import { PROTOCOL_VERSION, type Failure, type Telemetry } from '@kiosk/protocols';
import type { CommandService } from '../commands/command-service';
import type { Clock } from '../clock';
import { runDetached, type Logger } from '../logger';
import type { AgentState, HubRefusal } from '../status/agent-state';
import { ConnectionLostError } from './errors';
import { Heartbeat } from './heartbeat';
import type { HubSession } from './hub-session';
import type { OutboxDrain } from './outbox-drain';

export interface SyncClientDeps {
  drain: OutboxDrain;
  commands: CommandService;
  state: AgentState;
  heartbeatMs: number;
  collectTelemetry: () => Telemetry;
  agentVersion: string;
  clock: Clock;
  logger: Logger;
}

const NEEDS_TECHNICIAN = ['unknown_kiosk', 'bad_signature', 'unsupported_protocol'] as const satisfies readonly HubRefusal[];

function needsTechnician(code: string | undefined): code is HubRefusal {
  const known: readonly string[] = NEEDS_TECHNICIAN;
  return code !== undefined && known.includes(code);
}

/**
 * What happens on one connection to the hub: listen for commands, say hello, drop what the hub already
 * holds, then heartbeat and drain the outbox until the connection goes. Hands `HubLink` its callbacks.
 */
export class SyncClient {
  constructor(private readonly deps: SyncClientDeps) {}

  async runSession(session: HubSession): Promise<'established' | 'failed'> {
    const { logger, state, clock } = this.deps;
    // Commands may arrive as soon as we are connected; listen before anything else so none is dropped.
    session.onCommand((command, ack) => {
      const { receipt, followUp } = this.deps.commands.receive(command);
      if (typeof ack === 'function') ack(receipt);
      if (followUp) runDetached(logger, 'hub command', followUp);
    });

    let helloAck;
    try {
      helloAck = await session.hello({ protocolVersion: PROTOCOL_VERSION, agentVersion: this.deps.agentVersion });
    } catch (error) {
      if (!(error instanceof ConnectionLostError)) logger.warn({ err: error }, 'hello failed');
      return 'failed';
    }
    if (!helloAck.ok) {
      logger.error({ code: helloAck.error.code, message: helloAck.error.message }, 'hub refused hello');
      return 'failed';
    }
    if (helloAck.kioskId !== state.kioskId) {
      logger.error({ hubKioskId: helloAck.kioskId, kioskId: state.kioskId }, 'hub greeted another kiosk id; disconnecting');
      return 'failed';
    }
    session.markEstablished();
    const dropped = this.deps.drain.dropHeldByHub(helloAck.ackedThroughSeq);
    state.setHubConnected(true, clock.now());
    logger.info({ kioskId: state.kioskId, hubAckedThroughSeq: helloAck.ackedThroughSeq, droppedAlreadyHeld: dropped }, 'hub connected');

    const heartbeat = new Heartbeat(session, this.deps.heartbeatMs, this.deps.collectTelemetry, logger, () => state.hubContact(clock.now()));
    heartbeat.start();
    try {
      await this.deps.drain.run(session);
    } finally {
      heartbeat.stop();
      session.close('session ended');
      const reason = await session.closed;
      state.setHubConnected(false, clock.now());
      logger.info({ reason }, 'hub disconnected');
    }
    return 'established';
  }

  /** A connection attempt failed: surface refusals a person must fix, clear them otherwise. */
  connectFailed(refusal: Failure | null): void {
    const code = refusal?.error.code;
    if (needsTechnician(code)) {
      if (this.deps.state.connection().hubRefusal !== code) {
        this.deps.logger.error({ code, message: refusal?.error.message }, 'hub refuses this kiosk; a technician must fix it (still retrying)');
      }
      this.deps.state.setHubRefusal(code);
    }
  }
}
