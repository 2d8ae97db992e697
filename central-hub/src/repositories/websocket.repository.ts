import { Injectable } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type {
  AgentToHubEvents,
  ConsoleToHubEvents,
  HubCommand,
  HubToAgentEvents,
  HubToConsoleEvents,
  KioskSummary,
} from '@kiosk/protocols';

/** What the hub keeps on an authenticated agent socket (set by the handshake middleware). */
export interface AgentSocketData {
  kioskId: string;
}
// socket.io's own generic parameter for inter-server events; we have none.
type NoServerEvents = Record<string, never>;
export type AgentNamespace = Namespace<AgentToHubEvents, HubToAgentEvents, NoServerEvents, AgentSocketData>;
export type AgentSocket = Socket<AgentToHubEvents, HubToAgentEvents, NoServerEvents, AgentSocketData>;
export type ConsoleNamespace = Namespace<ConsoleToHubEvents, HubToConsoleEvents>;

export class AgentOfflineError extends Error {
  override readonly name = 'AgentOfflineError';
  constructor(readonly kioskId: string) {
    super(`kiosk ${kioskId} is not connected`);
  }
}

/**
 * The live socket.io side of the hub: which kiosk is connected on which socket, sending to an agent,
 * publishing to consoles. Services use this instead of touching socket.io, so their rules can be tested
 * without a server. One socket per kiosk: a newer connection replaces an older one.
 */
@Injectable()
export class WebsocketRepository {
  private readonly agents = new Map<string, AgentSocket>();
  private consoles: ConsoleNamespace | undefined;

  /** Registers the socket as its kiosk's current one; returns the socket it replaces, if any. */
  attachAgent(socket: AgentSocket): AgentSocket | undefined {
    const kioskId = socket.data.kioskId;
    const previous = this.agents.get(kioskId);
    this.agents.set(kioskId, socket);
    return previous === socket ? undefined : previous;
  }

  /** Forgets the socket; true when it was its kiosk's current one (the kiosk is now offline). */
  detachAgent(socket: AgentSocket): boolean {
    const kioskId = socket.data.kioskId;
    if (this.agents.get(kioskId) !== socket) return false;
    this.agents.delete(kioskId);
    return true;
  }

  isCurrent(socket: AgentSocket): boolean {
    return this.agents.get(socket.data.kioskId) === socket;
  }

  isOnline(kioskId: string): boolean {
    return this.agents.has(kioskId);
  }

  /** Sends a command and resolves with the agent's (unvalidated) receipt; rejects on timeout/offline. */
  sendCommand(kioskId: string, command: HubCommand, timeoutMs: number): Promise<unknown> {
    const socket = this.agents.get(kioskId);
    if (!socket) return Promise.reject(new AgentOfflineError(kioskId));
    return socket.timeout(timeoutMs).emitWithAck('command', command);
  }

  bindConsoles(namespace: ConsoleNamespace): void {
    this.consoles = namespace;
  }

  publishKiosk(summary: KioskSummary): void {
    this.consoles?.emit('kiosk.updated', summary);
  }
}
