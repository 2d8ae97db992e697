import type { CardError } from '../errors';

/**
 * The running card operation's tripwire. Reader events (card removed, reader gone, pcscd lost, host
 * died) fail it at once, so a call in flight rejects with the typed reason instead of waiting for the
 * PC/SC call to come back (it may not, with a card that stopped answering).
 */
export class OperationGuard {
  private failure: CardError | null = null;
  private abort!: (error: CardError) => void;
  private readonly aborted: Promise<never>;

  constructor(readonly reader: string) {
    this.aborted = new Promise<never>((_, reject) => {
      this.abort = reject;
    });
    this.aborted.catch(() => undefined); // observed through run(); never an unhandled rejection
  }

  get failed(): CardError | null {
    return this.failure;
  }

  fail(error: CardError): void {
    if (this.failure) return;
    this.failure = error;
    this.abort(error);
  }

  /** `work`, unless the guard trips first. */
  async run<T>(work: Promise<T>): Promise<T> {
    work.catch(() => undefined); // if the guard wins, the late outcome of `work` is not needed
    if (this.failure) throw this.failure;
    return Promise.race([work, this.aborted]);
  }

  /** Resolves with the failure if the guard trips within `ms`, else with null. */
  async tripsWithin(ms: number): Promise<CardError | null> {
    if (this.failure) return this.failure;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    });
    try {
      return await Promise.race([this.aborted.catch((error: CardError) => error), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
