import { Inject, Injectable } from '@nestjs/common';
import { PROTOCOL_VERSION, failure, type Hello, type HelloAck, type KioskSummary, type SimpleAck, type Telemetry } from '@kiosk/protocols';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { KIOSK_REPOSITORY, type KioskRepository } from '../repositories/kiosk.repository';
import { WebsocketRepository, type AgentSocket } from '../repositories/websocket.repository';
import { toKioskSummary } from './kiosk-summary.rules';

/** The fleet: who is connected, what each kiosk last reported, and the console's live view of it. */
@Injectable()
export class FleetService {
  private readonly log: Logger;

  constructor(
    @Inject(KIOSK_REPOSITORY) private readonly kiosks: KioskRepository,
    @Inject(WebsocketRepository) private readonly sockets: WebsocketRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'fleet' });
  }

  async list(): Promise<KioskSummary[]> {
    const views = await this.kiosks.listViews();
    return views.map((view) => toKioskSummary(view, this.sockets.isOnline(view.kiosk.kioskId)));
  }

  async summary(kioskId: string): Promise<KioskSummary | undefined> {
    const view = await this.kiosks.findView(kioskId);
    return view ? toKioskSummary(view, this.sockets.isOnline(kioskId)) : undefined;
  }

  /** Pushes the kiosk's current summary to every console. */
  async publish(kioskId: string): Promise<void> {
    const summary = await this.summary(kioskId);
    if (summary) this.sockets.publishKiosk(summary);
  }

  /** A newly authenticated socket becomes its kiosk's only one; an older one is disconnected. */
  async agentConnected(socket: AgentSocket): Promise<void> {
    const previous = this.sockets.attachAgent(socket);
    const kioskId = socket.data.kioskId;
    if (previous) {
      this.log.warn({ kioskId }, 'kiosk connected again; closing its older connection');
      previous.disconnect(true);
    }
    this.log.info({ kioskId }, 'agent connected');
    await this.publish(kioskId);
  }

  async agentDisconnected(socket: AgentSocket, reason: string): Promise<void> {
    const kioskId = socket.data.kioskId;
    if (!this.sockets.detachAgent(socket)) return;
    this.log.info({ kioskId, reason }, 'agent disconnected');
    await this.publish(kioskId);
  }

  async hello(kioskId: string, hello: Hello): Promise<HelloAck> {
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      return failure('unsupported_protocol', `this hub speaks protocol ${PROTOCOL_VERSION}`);
    }
    const kiosk = await this.kiosks.findById(kioskId);
    if (!kiosk) return failure('unknown_kiosk', 'kiosk no longer exists');
    if (kiosk.agentVersion !== hello.agentVersion) {
      await this.kiosks.setAgentVersion(kioskId, hello.agentVersion);
      await this.publish(kioskId);
    }
    return { ok: true, kioskId, ackedThroughSeq: kiosk.ackedThroughSeq, serverTime: this.clock.now().toISOString() };
  }

  async telemetry(kioskId: string, telemetry: Telemetry): Promise<SimpleAck> {
    await this.kiosks.recordTelemetry(kioskId, telemetry, this.clock.now().toISOString());
    await this.publish(kioskId);
    return { ok: true };
  }
}
