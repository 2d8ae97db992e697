import type { ServerOptions } from 'socket.io';

/**
 * The largest message an authenticated peer legitimately sends: a batch of MAX_EVENT_BATCH (1,000)
 * outbox events of the largest kind (`command.result` with a 2,000-character detail, 3 bytes a
 * character in UTF-8) is 6.25 MB of JSON; the largest log chunk (500 lines of 4,000 such characters) 6 MB. socket-options.spec.ts builds both from the protocol's schemas and checks that
 * they fit. Before authentication far less is allowed (socket-guard.ts, HUB_PREAUTH_SOCKET_BYTES).
 */
export const AUTHENTICATED_MAX_MESSAGE_BYTES = 7 * 1024 * 1024;

/**
 * Options of the one socket.io server both namespaces share (the first gateway Nest connects creates
 * it, so every gateway passes the same options). Websocket only: agents need no sticky sessions and
 * never fall back to long-polling. A connection that has joined no namespace after `connectTimeout`
 * is closed.
 */
export const SOCKET_SERVER_OPTIONS = {
  transports: ['websocket'],
  maxHttpBufferSize: AUTHENTICATED_MAX_MESSAGE_BYTES,
  connectTimeout: 10_000,
  serveClient: false,
} satisfies Partial<ServerOptions>;
