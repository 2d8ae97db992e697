import type { Receipt, ReceiptPrinter } from '@kiosk/devices';
import type { Language, LotteryReceiptOutcome } from '@kiosk/protocols';
import type { Logger } from '../logger';
import { receiptLanguage } from './receipts';

/**
 * The lottery's receipts on the receipt printer (what they say: receipts.ts). A receipt that cannot print
 * undoes nothing: the answer says `printed: false` and the screen asks the person to note the number.
 */
export class LotteryReceiptPrinter {
  constructor(
    private readonly printer: () => ReceiptPrinter | null,
    private readonly logger: Logger,
  ) {}

  /** Whether a receipt could be printed now (told to the person before they start, not after). */
  ready(): boolean {
    const status = this.printer()?.health().status;
    return status === 'ok' || status === 'warning';
  }

  /** Prints a receipt made for the session's `language` (which says what it was printed in). */
  async print(receipt: Receipt, language: Language = 'ja'): Promise<LotteryReceiptOutcome> {
    const printer = this.printer();
    if (!printer) return { printed: false, problem: 'no receipt printer' };
    try {
      await printer.print(receipt);
      return { printed: true, language: receiptLanguage(language) };
    } catch (error) {
      const problem = error instanceof Error ? error.message.slice(0, 200) : 'printer error';
      this.logger.warn({ problem }, 'lottery receipt not printed');
      return { printed: false, problem };
    }
  }
}
