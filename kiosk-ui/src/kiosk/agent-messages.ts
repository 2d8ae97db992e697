import type { Parser } from '../shared/socket-link';

/**
 * How the kiosk screen checks what its agent sends it: by shape, not by the protocol's zod schemas.
 *
 * Why that is safe (issue 17, the screen's JS budget: zod and the schemas were a third of it):
 * - the agent builds every push and ack from its own state, through a `/ui` namespace typed with the same
 *   protocol event maps (a wrong payload does not compile there), and what that state holds from outside
 *   (hub answers, device frames, card responses) was parsed with the schemas at the agent's boundaries;
 * - the page and its socket are the agent's own origin on 127.0.0.1: nothing else can speak on `/ui`;
 * - the screen only shows what it receives and sends the person's choices back: money and personal data
 *   never flow from the screen's view of a push (fees are the hub's quote, charged by the agent's cash
 *   desk; PIN digits go to the agent one key at a time and are never kept here). What the screen sends
 *   is parsed by the agent with the full schemas (certificates.quote, session.begin, …), and the order it
 *   quotes is still checked here before it goes (choice.ts).
 * What stays checked here: that a value is an object of the expected kind (a certificate view names its
 * screen, an ack says `ok`), so a protocol mismatch after a half-done update is reported and dropped
 * instead of breaking a screen. Type-level agreement with the protocol is `svelte-check`'s job.
 */

export type Fields = Readonly<Record<string, unknown>>;

export function isFields(raw: unknown): raw is Fields {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

/** A `Parser` for `SocketLink.accept` and the links: the shape check, then the protocol's type. */
export function agentMessage<T>(check: (fields: Fields) => boolean): Parser<T> {
  return {
    safeParse: (raw: unknown) =>
      // The agent built this value as a T and sent it on the typed `/ui` namespace (see above).
      isFields(raw) && check(raw) ? { success: true, data: raw as T } : { success: false },
  };
}

/** An acked answer: `{ ok: true, … }` or the agent's refusal `{ ok: false, error: { code, message } }`. */
export function isResult(fields: Fields): boolean {
  if (fields['ok'] === true) return true;
  const error = fields['error'];
  return fields['ok'] === false && isFields(error) && typeof error['code'] === 'string' && typeof error['message'] === 'string';
}

/** An answer that is a result and, when ok, carries `keys` (e.g. the session id). */
export function resultWith(...keys: readonly string[]): (fields: Fields) => boolean {
  return (fields) => isResult(fields) && (fields['ok'] === false || keys.every((key) => fields[key] !== undefined));
}
