import helmet from 'helmet';

/**
 * Security headers on every HTTP answer (helmet's defaults: nosniff, no referrer, same-origin opener
 * and resource policies, …), with a content security policy for the console and the verify page:
 * scripts, styles, fonts, images and connections (the console's socket.io websocket) only from the hub
 * itself (styles inline too: the verify page and Svelte's transitions), no plugins, and never inside
 * another site's frame (`frame-ancestors 'none'`, X-Frame-Options DENY). No upgrade-insecure-requests:
 * a demo or site hub may be reached over plain http on the local network.
 */
export function securityHeaders(): ReturnType<typeof helmet> {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'connect-src': ["'self'"],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': null,
      },
    },
    frameguard: { action: 'deny' },
  });
}
