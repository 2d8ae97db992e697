import iconv from 'iconv-lite';
import { EscPosParser, type EscPosToken } from './stream-parser';

/**
 * Turns printed tokens into text lines, the way the paper would read: Shift_JIS decoded in kanji mode,
 * 0x5C as ¥ under the Japan character set, a cut closing the receipt. Used by the simulator to capture
 * receipts and by tests to read them back.
 */
export class ReceiptRenderer {
  /** The current line: text decoded under earlier modes, plus raw bytes under the current mode. */
  private lineText = '';
  private raw: Buffer[] = [];
  private lines: string[] = [];
  private kanji = false;
  private japan = false;

  /** Applies one printed token; returns the finished receipt's text when the token was a cut. */
  apply(token: EscPosToken): string | undefined {
    switch (token.type) {
      case 'text':
        this.raw.push(token.bytes);
        return undefined;
      case 'lf':
        this.endLine();
        return undefined;
      case 'feed':
        if (this.hasLine()) this.endLine();
        for (let i = 0; i < token.lines; i += 1) this.lines.push('');
        return undefined;
      case 'init':
        this.settle();
        this.kanji = false;
        this.japan = false;
        return undefined;
      case 'charset':
        this.settle();
        this.japan = token.n === 8;
        return undefined;
      case 'kanji':
        this.settle();
        this.kanji = token.on;
        return undefined;
      case 'cut': {
        if (this.hasLine()) this.endLine();
        const text = trimTrailingBlank(this.lines).join('\n');
        this.lines = [];
        return text;
      }
      default:
        return undefined;
    }
  }

  /** Text printed since the last cut (a receipt in progress, or one abandoned mid-way). */
  pendingText(): string {
    const current = this.lineText + this.decode(Buffer.concat(this.raw));
    return trimTrailingBlank([...this.lines, ...(current ? [current] : [])]).join('\n');
  }

  private hasLine(): boolean {
    return this.lineText.length > 0 || this.raw.length > 0;
  }

  private endLine(): void {
    this.settle();
    this.lines.push(this.lineText);
    this.lineText = '';
  }

  /** Decodes the raw bytes under the mode they were printed in, before the mode changes. */
  private settle(): void {
    if (!this.raw.length) return;
    this.lineText += this.decode(Buffer.concat(this.raw));
    this.raw = [];
  }

  private decode(bytes: Buffer): string {
    const text = this.kanji ? iconv.decode(bytes, 'Shift_JIS') : iconv.decode(bytes, 'latin1');
    return this.japan ? text.replace(/\\/g, '¥').replace(/~/g, '‾') : text;
  }
}

function trimTrailingBlank(lines: string[]): string[] {
  const out = [...lines];
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

/** Renders a whole byte capture: completed receipts (one per cut) and whatever followed the last cut. */
export function renderEscPos(bytes: Uint8Array): { receipts: string[]; pending: string } {
  const parser = new EscPosParser();
  const renderer = new ReceiptRenderer();
  const receipts: string[] = [];
  for (const token of parser.push(bytes).tokens) {
    const receipt = renderer.apply(token);
    if (receipt !== undefined) receipts.push(receipt);
  }
  return { receipts, pending: renderer.pendingText() };
}
