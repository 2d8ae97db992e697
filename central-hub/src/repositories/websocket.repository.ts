import { Injectable } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type {
  AgentToHubEvents,
  Alert,
  AuditEntry,
  CommandView,
  ConsoleToHubEvents,
  FleetOverview,
  HubCommand,
  HubToAgentEvents,
  HubToConsoleEvents,
  KioskSummary,
  SessionEnded,
} from '@kiosk/protocols';
import type { Principal } from '../services/access.rules';

/** What the hub keeps on an authenticated agent socket (set by the handshake middleware). */
export interface AgentSocketData {
  kioskId: string;
  /** When this connection was accepted (hub clock): a sign of life before the first heartbeat. */
  connectedAt: string;
}
/** What the hub keeps on an authenticated console socket. */
export interface ConsoleSocketData {
  principal: Principal;
}
// socket.io's own generic parameter for inter-server events; we have none.
type NoServerEvents = Record<string, never>;
export type AgentNamespace = Namespace<AgentToHubEvents, HubToAgentEvents, NoServerEvents, AgentSocketData>;
export type AgentSocket = Socket<AgentToHubEvents, HubToAgentEvents, NoServerEvents, AgentSocketData>;
export type ConsoleNamespace = Namespace<ConsoleToHubEvents, HubToConsoleEvents, NoServerEvents, ConsoleSocketData>;
export type ConsoleSocket = Socket<ConsoleToHubEvents, HubToConsoleEvents, NoServerEvents, ConsoleSocketData>;

export class AgentOfflineError extends Error {
  override readonly name = 'AgentOfflineError';
  constructor(readonly kioskId: string) {
    super(`kiosk ${kioskId} is not connected`);
  }
}

/**
 * Console rooms: every console joins the room of its scope (one municipality, or all), and
 * administrators also the audit room of their scope. A push goes to the rooms that may see it, so a
 * technician of one municipality never receives another's kiosks, alerts or commands.
 */
const ALL = 'scope:all';
const scopeRoom = (municipality: string) => `scope:m:${municipality}`;
const AUDIT_ALL = 'audit:all';
const auditRoom = (municipality: string) => `audit:m:${municipality}`;

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

  /** When the kiosk's current connection was accepted; undefined when it is not connected. */
  connectedAt(kioskId: string): string | undefined {
    return this.agents.get(kioskId)?.data.connectedAt;
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

  /** Puts an authenticated console into the rooms of what its user may see. */
  joinConsole(socket: ConsoleSocket): void {
    const { principal } = socket.data;
    void socket.join(principal.municipality === null ? ALL : scopeRoom(principal.municipality));
    if (principal.role === 'administrator') void socket.join(principal.municipality === null ? AUDIT_ALL : auditRoom(principal.municipality));
  }

  /** One message per console: all of them to the all-municipalities room, each municipality's to its room. */
  publishKiosks(summaries: readonly KioskSummary[]): void {
    if (!this.consoles || summaries.length === 0) return;
    const byMunicipality = new Map<string, KioskSummary[]>();
    for (const summary of summaries) {
      const list = byMunicipality.get(summary.municipality);
      if (list) list.push(summary);
      else byMunicipality.set(summary.municipality, [summary]);
    }
    this.consoles.to(ALL).emit('kiosks.updated', [...summaries]);
    for (const [municipality, kiosks] of byMunicipality) this.consoles.to(scopeRoom(municipality)).emit('kiosks.updated', kiosks);
  }

  publishAlert(alert: Alert): void {
    this.consoles?.to([ALL, scopeRoom(alert.municipality)]).emit('alert.updated', alert);
  }

  publishCommand(command: CommandView, municipality: string): void {
    this.consoles?.to([ALL, scopeRoom(municipality)]).emit('command.updated', command);
  }

  publishAudit(entry: AuditEntry): void {
    const rooms = entry.municipality === null ? [AUDIT_ALL] : [AUDIT_ALL, auditRoom(entry.municipality)];
    this.consoles?.to(rooms).emit('audit.appended', entry);
  }

  /** The scopes some console is watching now: null for "all", else municipalities. */
  overviewAudiences(): (string | null)[] {
    const rooms = this.consoles?.adapter.rooms;
    if (!rooms) return [];
    const audiences: (string | null)[] = [];
    for (const room of rooms.keys()) {
      if (room === ALL) audiences.push(null);
      else if (room.startsWith('scope:m:')) audiences.push(room.slice('scope:m:'.length));
    }
    return audiences;
  }

  publishOverview(scope: string | null, overview: FleetOverview): void {
    this.consoles?.to(scope === null ? ALL : scopeRoom(scope)).emit('fleet.overview', overview);
  }

  /** The principals of the connected consoles that hold a session, one per session. */
  consolePrincipals(): Principal[] {
    const bySession = new Map<string, Principal>();
    for (const socket of this.consoles?.sockets.values() ?? []) {
      const { principal } = socket.data;
      if (principal.sessionHash !== null) bySession.set(principal.sessionHash, principal);
    }
    return [...bySession.values()];
  }

  /** Tells the consoles whose principal matches why, and disconnects them; resolves with how many. */
  endConsoles(matches: (principal: Principal) => boolean, ended: SessionEnded): number {
    let count = 0;
    for (const socket of this.consoles?.sockets.values() ?? []) {
      if (!matches(socket.data.principal)) continue;
      socket.emit('session.ended', ended);
      socket.disconnect(true);
      count++;
    }
    return count;
  }

  connectionCounts(): { agents: number; consoles: number } {
    return { agents: this.agents.size, consoles: this.consoles?.sockets.size ?? 0 };
  }
}
