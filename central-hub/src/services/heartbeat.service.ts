import { Inject, Injectable } from '@nestjs/common';
import { PROTOCOL_VERSION, failure, type Hello, type HelloAck, type SimpleAck, type Telemetry } from '@kiosk/protocols';
import { HUB_CONFIG, type HubConfig } from '../config';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { KIOSK_REPOSITORY, type KioskRepository } from '../repositories/kiosk.repository';
import { METRICS, type Metrics } from '../repositories/metrics.repository';
import { TELEMETRY_REPOSITORY, type TelemetryRepository } from '../repositories/telemetry.repository';
import { WebsocketRepository, type AgentSocket } from '../repositories/websocket.repository';
import { MonitorService } from './monitor.service';
import { pointKey, shouldStorePoint, type LastPoint } from './telemetry.rules';

/**
 * The agents' side of the fleet: connections, hellos and heartbeats. Each is a few indexed writes and
 * one evaluation of that kiosk (for a heartbeat that changes nothing, not even that: monitor.heartbeat),
 * so ten thousand kiosks heartbeating every 15 s cost the hub little.
 */
@Injectable()
export class HeartbeatService {
  private readonly log: Logger;
  /** The last stored telemetry point per kiosk (in memory: after a restart the first heartbeat is stored). */
  private readonly lastPoints = new Map<string, LastPoint>();

  constructor(
    @Inject(KIOSK_REPOSITORY) private readonly kiosks: KioskRepository,
    @Inject(TELEMETRY_REPOSITORY) private readonly telemetryStore: TelemetryRepository,
    @Inject(MonitorService) private readonly monitor: MonitorService,
    @Inject(WebsocketRepository) private readonly sockets: WebsocketRepository,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'heartbeat' });
  }

  /** A newly authenticated socket becomes its kiosk's only one; an older one is disconnected. */
  async agentConnected(socket: AgentSocket): Promise<void> {
    socket.data.connectedAt = this.clock.now().toISOString();
    const previous = await this.sockets.attachAgent(socket);
    const kioskId = socket.data.kioskId;
    if (previous) {
      this.log.warn({ kioskId }, 'kiosk connected again; closing its older connection');
      previous.disconnect(true);
    }
    this.log.info({ kioskId }, 'agent connected');
    await this.monitor.evaluate(kioskId);
  }

  async agentDisconnected(socket: AgentSocket, reason: string): Promise<void> {
    const kioskId = socket.data.kioskId;
    if (!(await this.sockets.detachAgent(socket, reason))) return;
    this.log.info({ kioskId, reason }, 'agent disconnected');
    await this.monitor.evaluate(kioskId);
  }

  async hello(kioskId: string, hello: Hello): Promise<HelloAck> {
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      return failure('unsupported_protocol', `this hub speaks protocol ${PROTOCOL_VERSION}`);
    }
    const kiosk = await this.kiosks.findById(kioskId);
    if (!kiosk) return failure('unknown_kiosk', 'kiosk no longer exists');
    if (kiosk.agentVersion !== hello.agentVersion) {
      await this.kiosks.setAgentVersion(kioskId, hello.agentVersion);
      await this.monitor.evaluate(kioskId);
    }
    return { ok: true, kioskId, ackedThroughSeq: kiosk.ackedThroughSeq, serverTime: this.clock.now().toISOString() };
  }

  async telemetry(kioskId: string, telemetry: Telemetry): Promise<SimpleAck> {
    const now = this.clock.now();
    const key = pointKey(telemetry);
    const storePoint = shouldStorePoint(this.lastPoints.get(kioskId), now.getTime(), key, this.config.fleet.telemetryPointIntervalMs);
    await this.telemetryStore.record(kioskId, telemetry, now.toISOString(), storePoint);
    if (storePoint) this.lastPoints.set(kioskId, { atMs: now.getTime(), key });
    this.metrics.telemetryReceived();
    await this.monitor.heartbeat(kioskId, telemetry, now.toISOString());
    return { ok: true };
  }
}
