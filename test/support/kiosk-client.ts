import { createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import {
  AGENT_NAMESPACE,
  PROTOCOL_VERSION,
  kioskAuthMessage,
  type AgentToHubEvents,
  type HubToAgentEvents,
  type KioskAuth,
} from '@kiosk/protocols';

export type AgentSocket = Socket<HubToAgentEvents, AgentToHubEvents>;

/** A signed handshake exactly as an agent builds one (the hub accepts each nonce once). */
export function signedAuth(kioskId: string, privateKey: KeyObject | string, overrides: Partial<KioskAuth> = {}): KioskAuth {
  const unsigned = {
    kioskId,
    protocolVersion: PROTOCOL_VERSION as number,
    timestamp: Date.now(),
    nonce: randomBytes(16).toString('base64url'),
    ...overrides,
  };
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const signature = sign(null, Buffer.from(kioskAuthMessage(unsigned)), key).toString('base64');
  return { ...unsigned, signature, ...(overrides.signature ? { signature: overrides.signature } : {}) };
}

export interface ConnectOutcome {
  socket: AgentSocket;
  /** `null` when connected; otherwise the hub's structured refusal (`err.data`). */
  refusal: { code: string; message: string } | null;
}

/** Connects to `/agent` the way the agent does (websocket only, no socket.io reconnection). */
export function connectAgentSocket(hubUrl: string, auth: KioskAuth): Promise<ConnectOutcome> {
  const socket: AgentSocket = io(`${hubUrl}${AGENT_NAMESPACE}`, {
    transports: ['websocket'],
    reconnection: false,
    auth,
    timeout: 5000,
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, refusal: null }));
    socket.once('connect_error', (error: Error & { data?: { error?: { code: string; message: string } } }) => {
      socket.close();
      resolve({ socket, refusal: error.data?.error ?? { code: 'transport', message: error.message } });
    });
  });
}

/** RFC 9562 UUIDv7: 48-bit Unix milliseconds, version 7, variant 10, random rest. */
export function uuidv7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
