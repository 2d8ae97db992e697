import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import {
  AGENT_NAMESPACE,
  EnrolResponseSchema,
  EnrolmentCodeResponseSchema,
  OutboxEventSchema,
  PROTOCOL_VERSION,
  TelemetrySchema,
  kioskAuthMessage,
  type AgentToHubEvents,
  type DeviceHealth,
  type Telemetry,
  type HubToAgentEvents,
  type KioskAuth,
  type OutboxEvent,
} from '@kiosk/protocols';
import type { TestHub } from './test-hub';

export type AgentClientSocket = Socket<HubToAgentEvents, AgentToHubEvents>;

export interface EnrolledKiosk {
  kioskId: string;
  privateKey: KeyObject;
}

/** Creates a code as the operator and enrols a fresh Ed25519 key with it, over the real REST API. */
export async function enrolKiosk(hub: Pick<TestHub, 'api'>, where: { municipality?: string; site?: string; name?: string } = {}): Promise<EnrolledKiosk> {
  const created = await hub.api('POST', '/api/enrolment-codes', {
    name: where.name ?? '豊中市役所 1F',
    municipality: where.municipality ?? '豊中市',
    site: where.site ?? '豊中市役所',
    kind: 'certificate-kiosk',
  });
  if (created.status !== 201) throw new Error(`enrolment code: ${created.status} ${JSON.stringify(created.body)}`);
  const { code } = EnrolmentCodeResponseSchema.parse(created.body);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const enrolled = await hub.api('POST', '/api/kiosks/enrol', { code, publicKey: spki(publicKey) }, null);
  if (enrolled.status !== 201) throw new Error(`enrol: ${enrolled.status} ${JSON.stringify(enrolled.body)}`);
  return { kioskId: EnrolResponseSchema.parse(enrolled.body).kioskId, privateKey };
}

export function spki(publicKey: KeyObject): string {
  return publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
}

/** A handshake signed exactly as the agent signs one. */
export function signedAuth(kioskId: string, privateKey: KeyObject, overrides: Partial<Omit<KioskAuth, 'signature'>> = {}): KioskAuth {
  const unsigned = {
    kioskId,
    protocolVersion: PROTOCOL_VERSION as number,
    timestamp: Date.now(),
    nonce: randomBytes(16).toString('base64url'),
    ...overrides,
  };
  return { ...unsigned, signature: sign(null, Buffer.from(kioskAuthMessage(unsigned)), privateKey).toString('base64') };
}

export interface Connection {
  socket: AgentClientSocket;
  refusal: { code: string; message: string } | null;
}

/** Connects to `/agent` like the agent (websocket only, no automatic reconnection). */
export function connectAgent(url: string, auth: unknown, onSocket?: (socket: AgentClientSocket) => void): Promise<Connection> {
  const socket: AgentClientSocket = io(`${url}${AGENT_NAMESPACE}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: auth as Record<string, unknown>,
    timeout: 5000,
  });
  onSocket?.(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, refusal: null }));
    socket.once('connect_error', (error: Error & { data?: { error?: { code: string; message: string } } }) => {
      socket.close();
      resolve({ socket, refusal: error.data?.error ?? { code: 'transport', message: error.message } });
    });
  });
}

/** Valid outbox events for a kiosk, built and checked with the protocol's own schema. */
export function creditEvent(kioskId: string, seq: number, coinYen = 100): OutboxEvent {
  return OutboxEventSchema.parse({
    id: uuidv7(),
    kioskId,
    seq,
    occurredAt: new Date().toISOString(),
    type: 'cash.credit',
    payload: { transactionId: uuidv7(), coinYen },
  });
}

export function creditEvents(kioskId: string, fromSeq: number, count: number): OutboxEvent[] {
  return Array.from({ length: count }, (_, i) => creditEvent(kioskId, fromSeq + i, 10));
}

/** A heartbeat as the agent sends it, checked with the protocol's schema. */
export function heartbeat(
  sentAt: Date,
  devices: Array<{ deviceId: string; kind: DeviceHealth['kind']; status: DeviceHealth['status']; reasons?: DeviceHealth['reasons'] }> = [],
  overrides: { backlog?: number; oldestOccurredAt?: string | null; outOfService?: boolean } = {},
): Telemetry {
  return TelemetrySchema.parse({
    sentAt: sentAt.toISOString(),
    outbox: { backlog: overrides.backlog ?? 0, oldestOccurredAt: overrides.oldestOccurredAt ?? null, lastSeq: 0 },
    devices: devices.map((d) => ({ ...d, reasons: d.reasons ?? [], since: sentAt.toISOString() })),
    agent: { version: '1.0.0', uptimeSeconds: 10, rssBytes: 50_000_000, outOfService: overrides.outOfService ?? false },
  });
}

/** Connects as the kiosk (handshake signed at `at`, the hub clock's now) and says hello. */
export async function connectKiosk(url: string, kiosk: EnrolledKiosk, at: Date): Promise<AgentClientSocket> {
  const { socket, refusal } = await connectAgent(url, signedAuth(kiosk.kioskId, kiosk.privateKey, { timestamp: at.getTime() }));
  if (refusal) throw new Error(`handshake refused: ${refusal.code}`);
  await socket.timeout(5000).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '1.0.0' });
  return socket;
}

/** Sends a heartbeat and waits for the hub's ack (after which the hub has evaluated the kiosk). */
export async function sendHeartbeat(socket: AgentClientSocket, telemetry: Telemetry): Promise<void> {
  const ack = await socket.timeout(5000).emitWithAck('telemetry', telemetry);
  if (!ack.ok) throw new Error(`telemetry refused: ${ack.error.code}`);
}
