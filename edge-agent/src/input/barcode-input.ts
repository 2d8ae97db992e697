import { FacilityUserNumberSchema } from '@kiosk/protocols';
import type { BarcodeScanner } from '@kiosk/devices';
import type { Logger } from '../logger';

/** A facility user card read by the scanner, held for the session that is reading it. */
export interface ScannedCard {
  userNumber: string;
  at: Date;
}

/**
 * The barcode scanner's codes as facility user numbers: a code that is not 8 digits is not a facility user
 * card and is dropped (logged by its length only). The last card read waits for the lottery sign-in to
 * take it, and is forgotten when the session changes. The number itself is never logged.
 */
export class BarcodeInput {
  private last: ScannedCard | null = null;
  private readonly listeners = new Set<(card: ScannedCard) => void>();

  constructor(
    private readonly now: () => Date,
    private readonly logger: Logger,
  ) {}

  attach(scanner: BarcodeScanner): () => void {
    return scanner.onBarcode((code) => this.scanned(code));
  }

  scanned(code: string): void {
    const parsed = FacilityUserNumberSchema.safeParse(code);
    if (!parsed.success) {
      this.logger.info({ length: code.length }, 'scanned a barcode that is not a facility user number');
      return;
    }
    const card: ScannedCard = { userNumber: parsed.data, at: this.now() };
    this.last = card;
    this.logger.info({}, 'facility user card scanned');
    for (const listener of [...this.listeners]) listener(card);
  }

  /** The card read last (and forgets it), or null. */
  take(): ScannedCard | null {
    const card = this.last;
    this.last = null;
    return card;
  }

  reset(): void {
    this.last = null;
  }

  onCard(listener: (card: ScannedCard) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
