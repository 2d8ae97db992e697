/** What the idle rule looks at: the screen's session and the money ledger's unfinished transactions. */
export interface KioskActivityFacts {
  sessionActive: boolean;
  unfinishedTransactions: number;
}

/**
 * Pure: may the agent restart now (issue 19)? Only when nobody is at the kiosk (no session: a
 * certificate purchase or a lottery sign-in is one) and no money is in flight (every certificate
 * transaction completed, cancelled or refunded). A kiosk in use waits, however long.
 */
export function kioskIdle(facts: KioskActivityFacts): boolean {
  return !facts.sessionActive && facts.unfinishedTransactions === 0;
}

/** Waits until `facts()` says idle, looking again on every `changed` signal and every `pollMs`. */
export async function waitUntilIdle(options: {
  facts: () => KioskActivityFacts;
  onChange: (listener: () => void) => () => void;
  pollMs: number;
  signal: AbortSignal;
  /** Told once, when the first look finds the kiosk in use. */
  onWaiting: () => void;
}): Promise<void> {
  if (kioskIdle(options.facts())) return;
  options.onWaiting();
  await new Promise<void>((resolve, reject) => {
    const finish = (error?: Error): void => {
      clearInterval(timer);
      unsubscribe();
      options.signal.removeEventListener('abort', aborted);
      if (error) reject(error);
      else resolve();
    };
    const look = (): void => {
      if (kioskIdle(options.facts())) finish();
    };
    const aborted = (): void => finish(new Error('stopped while waiting for the kiosk to be idle'));
    const unsubscribe = options.onChange(look);
    const timer = setInterval(look, options.pollMs);
    options.signal.addEventListener('abort', aborted);
  });
}
