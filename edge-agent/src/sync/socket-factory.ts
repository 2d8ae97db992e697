import { io } from 'socket.io-client';
import { AGENT_NAMESPACE, type KioskAuth } from '@kiosk/protocols';
import type { AgentSocket } from './hub-session';

/** Makes a new, not yet connected socket for one connection attempt. Injected, so tests can wrap it. */
export type HubSocketFactory = () => AgentSocket;

/**
 * The production factory. Websocket only (no sticky sessions needed behind a load balancer); socket.io's
 * own reconnection is off because our loop owns retries and builds a fresh signed handshake per attempt;
 * `forceNew` so no Manager (and no buffered packet) is ever shared between attempts.
 */
export function hubSocketFactory(hubUrl: string, handshake: () => KioskAuth, connectTimeoutMs: number): HubSocketFactory {
  return () =>
    io(`${hubUrl}${AGENT_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      autoConnect: false,
      timeout: connectTimeoutMs,
      auth: (callback) => callback(handshake()),
    });
}
