import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import { AlertSchema, KioskSummarySchema } from '@kiosk/protocols';
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
  RolloutKioskView,
  RolloutSummary,
  SessionEnded,
} from '@kiosk/protocols';
import type { Principal } from '../services/access.rules';
import {
  PRESENCE_RENEW_INTERVAL_MS,
  decodeLease,
  encodeLease,
  judgePresence,
  pickReceipt,
  planAfterRenewal,
  releasesLease,
  type KioskConnection,
} from '../services/presence.rules';
import { HUB_CLUSTER, type HubCluster } from './cluster.repository';

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
// socket.io's own generic parameter for inter-server events: none on /agent.
type NoServerEvents = Record<string, never>;
/**
 * Between hub processes on /console (several processes, issue 14): what one process pushed to consoles,
 * so that the others keep their fleet index (the REST list and the overview counts) up to date too.
 */
interface PeerEvents {
  'fleet.kiosks': (summaries: KioskSummary[]) => void;
  'fleet.alert': (alert: Alert) => void;
}
/** What a process hears from the others (FleetService keeps its index with it). */
export interface PeerListener {
  kiosks(summaries: KioskSummary[]): void;
  alert(alert: Alert): void;
}
export type AgentNamespace = Namespace<AgentToHubEvents, HubToAgentEvents, NoServerEvents, AgentSocketData>;
export type AgentSocket = Socket<AgentToHubEvents, HubToAgentEvents, NoServerEvents, AgentSocketData>;
export type ConsoleNamespace = Namespace<ConsoleToHubEvents, HubToConsoleEvents, PeerEvents, ConsoleSocketData>;
export type ConsoleSocket = Socket<ConsoleToHubEvents, HubToConsoleEvents, PeerEvents, ConsoleSocketData>;

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
/** Agent room of one kiosk (several processes, issue 14): a command reaches its socket on whichever process holds it. */
const kioskRoom = (kioskId: string) => `kiosk:${kioskId}`;

/**
 * The live socket.io side of the hub: which kiosk is connected on which socket, sending to an agent,
 * publishing to consoles. Services use this instead of touching socket.io, so their rules can be tested
 * without a server. One socket per kiosk: a newer connection replaces an older one.
 *
 * With several hub processes (HUB_REDIS_URL, issue 14) socket.io's Redis adapter carries every room
 * broadcast to the other processes (console pushes reach every console), a command goes to the kiosk's
 * room with an ack (it reaches the kiosk wherever it is connected), and each kiosk this process holds
 * has a lease in Redis (presence.rules.ts), renewed while its socket lasts: `connections` reads the
 * leases, so every process sees every kiosk's connection. Without Redis, everything is this map.
 */
@Injectable()
export class WebsocketRepository {
  private readonly agents = new Map<string, AgentSocket>();
  /** Several processes: the lease this process wrote for each kiosk it holds (its exact stored text). */
  private readonly leases = new Map<string, string>();
  private agentNamespace: AgentNamespace | undefined;
  private consoles: ConsoleNamespace | undefined;
  private peerListener: PeerListener | undefined;

  constructor(@Optional() @Inject(HUB_CLUSTER) private readonly cluster: HubCluster | null = null) {
    this.cluster?.keepRenewing(PRESENCE_RENEW_INTERVAL_MS, () => this.renewLeases());
  }

  bindAgents(namespace: AgentNamespace): void {
    this.agentNamespace = namespace;
  }

  /**
   * Registers the socket as its kiosk's current one; resolves with the socket it replaces here, if any.
   * Several processes: also takes the kiosk's lease and room, and closes the kiosk's older socket on
   * any other process.
   */
  async attachAgent(socket: AgentSocket): Promise<AgentSocket | undefined> {
    const kioskId = socket.data.kioskId;
    const previous = this.agents.get(kioskId);
    this.agents.set(kioskId, socket);
    if (this.cluster) {
      const lease = encodeLease({ owner: this.cluster.processId, socketId: socket.id, connectedAt: socket.data.connectedAt });
      this.leases.set(kioskId, lease);
      // The lease first: the process whose older socket is closed next then finds the kiosk here.
      await this.cluster.claim(kioskId, lease);
      const room = kioskRoom(kioskId);
      socket.nsp.in(room).except(socket.id).disconnectSockets(true);
      if (socket.connected) await socket.join(room);
    }
    return previous === socket ? undefined : previous;
  }

  /**
   * Forgets the socket; true when it was its kiosk's current one here. Several processes: its lease is
   * given back when the kiosk lost the connection, left to run out when this process closed it.
   */
  async detachAgent(socket: AgentSocket, reason = 'transport close'): Promise<boolean> {
    const kioskId = socket.data.kioskId;
    if (this.agents.get(kioskId) !== socket) return false;
    this.agents.delete(kioskId);
    const lease = this.leases.get(kioskId);
    this.leases.delete(kioskId);
    if (this.cluster && lease !== undefined && releasesLease(reason)) await this.cluster.release(kioskId, lease);
    return true;
  }

  /**
   * The connected ones among these kiosks, each with when its connection was accepted: this process's
   * sockets, and with several processes the leases of the others (one Redis read for the batch).
   */
  async connections(kioskIds: readonly string[]): Promise<Map<string, KioskConnection>> {
    const found = new Map<string, KioskConnection>();
    if (!this.cluster) {
      for (const kioskId of kioskIds) {
        const socket = this.agents.get(kioskId);
        if (socket) found.set(kioskId, { where: 'here', connectedAt: socket.data.connectedAt });
      }
      return found;
    }
    const leases = await this.cluster.read(kioskIds);
    for (const kioskId of kioskIds) {
      const socket = this.agents.get(kioskId);
      const connection = judgePresence(socket && { connectedAt: socket.data.connectedAt }, decodeLease(leases.get(kioskId)), this.cluster.processId);
      if (connection) found.set(kioskId, connection);
    }
    return found;
  }

  /** Whether the kiosk is connected (to any hub process). */
  async isConnected(kioskId: string): Promise<boolean> {
    if (!this.cluster) return this.agents.has(kioskId);
    return (await this.connections([kioskId])).has(kioskId);
  }

  /** Renews the leases of the kiosks held here; closes the sockets whose kiosk another process holds now. */
  private async renewLeases(): Promise<void> {
    if (!this.cluster || this.leases.size === 0) return;
    const held = [...this.leases.entries()];
    const { taken } = planAfterRenewal(
      held.map(([kioskId]) => kioskId),
      await this.cluster.renew(held),
    );
    for (const kioskId of taken) {
      // Only if it is still the socket whose lease was found taken.
      if (this.leases.get(kioskId) !== held.find(([id]) => id === kioskId)?.[1]) continue;
      this.agents.get(kioskId)?.disconnect(true);
    }
  }

  isCurrent(socket: AgentSocket): boolean {
    return this.agents.get(socket.data.kioskId) === socket;
  }

  /** Whether the kiosk's socket is on this process (`connections` knows the other processes' too). */
  isOnline(kioskId: string): boolean {
    return this.agents.has(kioskId);
  }

  /** When the kiosk's current connection here was accepted; undefined when it is not connected here. */
  connectedAt(kioskId: string): string | undefined {
    return this.agents.get(kioskId)?.data.connectedAt;
  }

  /**
   * Sends a command and resolves with the agent's (unvalidated) receipt; rejects on timeout/offline.
   * Several processes: a kiosk connected to another process is sent to through its room, so that the
   * process holding its socket delivers it and the ack comes back here.
   */
  async sendCommand(kioskId: string, command: HubCommand, timeoutMs: number): Promise<unknown> {
    // A kiosk connected here is sent to directly, as by a single process (no round trip through Redis).
    if (this.cluster && this.agentNamespace && !this.agents.has(kioskId)) {
      const responses: unknown[] = await this.agentNamespace.to(kioskRoom(kioskId)).timeout(timeoutMs).emitWithAck('command', command);
      const picked = pickReceipt(responses);
      if (!picked.delivered) throw new AgentOfflineError(kioskId);
      return picked.receipt;
    }
    const socket = this.agents.get(kioskId);
    if (!socket) throw new AgentOfflineError(kioskId);
    return socket.timeout(timeoutMs).emitWithAck('command', command);
  }

  bindConsoles(namespace: ConsoleNamespace): void {
    this.consoles = namespace;
    if (!this.cluster) return;
    // From the other processes (their own Redis channel; a malformed one, e.g. from another version, is dropped).
    namespace.on('fleet.kiosks', (raw: unknown) => {
      const parsed = KioskSummarySchema.array().safeParse(raw);
      if (parsed.success) this.peerListener?.kiosks(parsed.data);
    });
    namespace.on('fleet.alert', (raw: unknown) => {
      const parsed = AlertSchema.safeParse(raw);
      if (parsed.success) this.peerListener?.alert(parsed.data);
    });
  }

  /** Several processes: what the other processes push to consoles, for this one's fleet index. */
  onPeerChanges(listener: PeerListener): void {
    this.peerListener = listener;
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
    if (this.cluster) this.consoles.serverSideEmit('fleet.kiosks', [...summaries]);
  }

  publishAlert(alert: Alert): void {
    this.consoles?.to([ALL, scopeRoom(alert.municipality)]).emit('alert.updated', alert);
    if (this.cluster) this.consoles?.serverSideEmit('fleet.alert', alert);
  }

  publishCommand(command: CommandView, municipality: string): void {
    this.consoles?.to([ALL, scopeRoom(municipality)]).emit('command.updated', command);
  }

  /** A rollout's state or stage (issue 19), to the consoles of its scope (null: those that see every municipality). */
  publishRollout(rollout: RolloutSummary, scope: string | null): void {
    this.consoles?.to(scope === null ? [ALL] : [ALL, scopeRoom(scope)]).emit('rollout.updated', rollout);
  }

  /** One kiosk's update in a rollout, to the consoles that see that kiosk. */
  publishRolloutKiosk(kiosk: RolloutKioskView): void {
    this.consoles?.to([ALL, scopeRoom(kiosk.municipality)]).emit('rollout.kiosk.updated', kiosk);
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

  /** To this process's consoles only: with several processes, each pushes its own consoles the overview from its own index. */
  publishOverview(scope: string | null, overview: FleetOverview): void {
    const consoles = this.cluster ? this.consoles?.local : this.consoles;
    consoles?.to(scope === null ? ALL : scopeRoom(scope)).emit('fleet.overview', overview);
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
