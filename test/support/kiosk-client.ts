import { createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import {
  AGENT_NAMESPACE,
  PROTOCOL_VERSION,
  ReconnectLoop,
  kioskAuthMessage,
  systemSchedule,
  type LinkFailureCause,
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
  /** `null` when connected; otherwise the hub's structured refusal (`err.data`), or why the attempt failed. */
  refusal: { code: string; message: string } | null;
}

function refusalOf(cause: LinkFailureCause): { code: string; message: string } {
  switch (cause.kind) {
    case 'refused': {
      const error = cause.error as Error & { data?: { error?: { code: string; message: string } } };
      return error.data?.error ?? { code: 'transport', message: error.message };
    }
    case 'disconnected':
      return { code: 'transport', message: `disconnected before the namespace handshake finished (${cause.reason})` };
    case 'deadline':
      return { code: 'timeout', message: 'no connection within the connect deadline' };
    case 'session_failed':
      return { code: 'transport', message: 'session failed' };
  }
}

/**
 * Connects to `/agent` the way the agent does: websocket only, no socket.io reconnection, and the
 * agent's own reconnect machine (protocols reconnect-loop.ts), so a hub that goes away mid-handshake
 * or never answers ends the attempt (issue 12) instead of leaving this promise pending. One attempt
 * only: the caller's handshake carries a single-use nonce.
 */
export function connectAgentSocket(hubUrl: string, auth: KioskAuth, deadlineMs = 10_000): Promise<ConnectOutcome> {
  const socket: AgentSocket = io(`${hubUrl}${AGENT_NAMESPACE}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
    auth,
    timeout: deadlineMs,
  });
  return new Promise((resolve) => {
    const loop = new ReconnectLoop<AgentSocket>({
      timing: { connectDeadlineMs: deadlineMs, backoff: { minMs: 1000, maxMs: 1000 } },
      schedule: systemSchedule,
      random: Math.random,
      openSocket: () => socket,
      // The caller greets the hub itself; the loop only stays to end when this one connection does.
      runSession: async (connected, established) => {
        established();
        resolve({ socket: connected, refusal: null });
        await new Promise((closed) => connected.once('disconnect', closed));
        void loop.stop();
      },
      onFailure: ({ cause }) => {
        void loop.stop();
        resolve({ socket, refusal: refusalOf(cause) });
      },
    });
    loop.start();
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
