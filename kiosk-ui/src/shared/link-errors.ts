/** Why a request over the UI's or console's socket did not get a usable answer. */
export type LinkFailure = 'disconnected' | 'timeout' | 'rejected' | 'malformed';

export class LinkError extends Error {
  override readonly name = 'LinkError';

  constructor(
    readonly failure: LinkFailure,
    message: string,
  ) {
    super(message);
  }
}

/** socket.io's `timeout()` rejects with a plain Error; tell it apart from our own failures. */
export function asLinkError(error: unknown, what: string): LinkError {
  if (error instanceof LinkError) return error;
  return new LinkError('timeout', `${what}: timed out waiting for an answer (${error instanceof Error ? error.message : String(error)})`);
}
