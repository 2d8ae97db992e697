import { EventEmitter } from 'node:events';
import type { AgentStatus, ErrorCode } from '@kiosk/protocols';
import type { DeviceManager } from '../hardware/device-manager';

/** Why the hub keeps refusing this kiosk, when a person has to fix it (not a network blip). */
export type HubRefusal = Extract<ErrorCode, 'unknown_kiosk' | 'bad_signature' | 'unsupported_protocol'>;

export interface ConnectionState {
  kioskId: string;
  hubConnected: boolean;
  lastHubContactAt: Date | null;
  hubRefusal: HubRefusal | null;
}

interface StateEvents {
  /** The UI-visible status changed (hub connection, service state, device health). */
  status: [AgentStatus];
  /** The hub connection changed (also fired for refusals, which the UI does not show). */
  connection: [ConnectionState];
}

/**
 * The agent's live state in one place, as an event emitter: the sync client writes the connection,
 * commands write the service state, devices report health; the local server pushes `status` to the UI.
 * Hub contact times are kept but do not by themselves trigger a push (every ack would).
 */
export class AgentState {
  private hubConnected = false;
  private lastHubContactAt: Date | null = null;
  private hubRefusal: HubRefusal | null = null;
  private outOfService: boolean;
  private readonly events = new EventEmitter<StateEvents>();

  constructor(
    readonly kioskId: string,
    private readonly devices: DeviceManager,
    initial: { outOfService: boolean },
  ) {
    this.outOfService = initial.outOfService;
    // Several UI sockets and the server subscribe; this is not a leak.
    this.events.setMaxListeners(0);
  }

  status(): AgentStatus {
    return {
      kioskId: this.kioskId,
      hubConnected: this.hubConnected,
      lastHubContactAt: this.lastHubContactAt?.toISOString() ?? null,
      outOfService: this.outOfService,
      devices: this.devices.health(),
    };
  }

  connection(): ConnectionState {
    return {
      kioskId: this.kioskId,
      hubConnected: this.hubConnected,
      lastHubContactAt: this.lastHubContactAt,
      hubRefusal: this.hubRefusal,
    };
  }

  isOutOfService(): boolean {
    return this.outOfService;
  }

  hubContact(at: Date): void {
    this.lastHubContactAt = at;
  }

  setHubConnected(connected: boolean, at: Date): void {
    if (connected) {
      this.lastHubContactAt = at;
      this.hubRefusal = null;
    }
    if (connected === this.hubConnected) return;
    this.hubConnected = connected;
    this.events.emit('connection', this.connection());
    this.pushStatus();
  }

  setHubRefusal(refusal: HubRefusal | null): void {
    if (refusal === this.hubRefusal) return;
    this.hubRefusal = refusal;
    this.events.emit('connection', this.connection());
  }

  setOutOfService(outOfService: boolean): void {
    if (outOfService === this.outOfService) return;
    this.outOfService = outOfService;
    this.pushStatus();
  }

  /** A device reported new health: the status carries the device list, so push it. */
  devicesChanged(): void {
    this.pushStatus();
  }

  onStatus(listener: (status: AgentStatus) => void): () => void {
    this.events.on('status', listener);
    return () => this.events.off('status', listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.events.on('connection', listener);
    return () => this.events.off('connection', listener);
  }

  private pushStatus(): void {
    this.events.emit('status', this.status());
  }
}
