import type { ServerOptions } from 'socket.io';

/**
 * Options of the one socket.io server both namespaces share (the first gateway Nest connects creates
 * it, so every gateway passes the same options). Websocket only: agents need no sticky sessions and
 * never fall back to long-polling. A full batch (MAX_EVENT_BATCH events with long `detail` texts) can
 * exceed socket.io's default 1 MB message limit, hence 8 MB.
 */
export const SOCKET_SERVER_OPTIONS = {
  transports: ['websocket'],
  maxHttpBufferSize: 8 * 1024 * 1024,
  serveClient: false,
} satisfies Partial<ServerOptions>;
