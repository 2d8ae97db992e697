import { FrameParseError, InvalidArgumentError } from '../errors';
import { SHIFT_MASK, Usage, charToUsage, usageToChar } from './usage';

/** A boot-protocol keyboard report: modifiers, reserved, six key slots. */
export const REPORT_SIZE = 8;

export interface KeyPress {
  usage: number;
  shift: boolean;
}

/**
 * Splits what one read returned into 8-byte reports. hidraw returns one report per read, but a read
 * through a pty-backed mock (umockdev) can return several at once; anything not a whole number of reports
 * is a FrameParseError.
 */
export function splitReports(data: Uint8Array, reportId?: number): Buffer[] {
  const bytes = Buffer.from(data);
  const size = reportId === undefined ? REPORT_SIZE : REPORT_SIZE + 1;
  if (bytes.length === 0 || bytes.length % size !== 0) {
    throw new FrameParseError('hid', 'bad-length', `${bytes.length} bytes is not a whole number of ${size}-byte reports`);
  }
  const reports: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    const report = bytes.subarray(at, at + size);
    if (reportId !== undefined && report[0] !== reportId) throw new FrameParseError('hid', 'bad-value', `report id ${report[0]}`);
    reports.push(reportId === undefined ? report : report.subarray(1));
  }
  return reports;
}

/**
 * Turns a stream of keyboard reports into key presses: a key counts when it appears in a report and was
 * not held in the previous one. Phantom reports (ErrorRollOver) and reports with a non-zero reserved byte
 * are refused with FrameParseError and change nothing.
 */
export class KeyboardReportDecoder {
  private held = new Set<number>();

  decode(report: Uint8Array): KeyPress[] {
    if (report.length !== REPORT_SIZE) throw new FrameParseError('hid', 'bad-length', `report of ${report.length} bytes`);
    if (report[1] !== 0) throw new FrameParseError('hid', 'bad-value', 'reserved byte is not zero');
    const keys = [...report.subarray(2)].filter((usage) => usage !== 0);
    if (keys.includes(Usage.errorRollOver)) throw new FrameParseError('hid', 'bad-value', 'keyboard rollover error');
    const shift = ((report[0] as number) & SHIFT_MASK) !== 0;
    const pressed = keys.filter((usage) => !this.held.has(usage)).map((usage) => ({ usage, shift }));
    this.held = new Set(keys);
    return pressed;
  }

  reset(): void {
    this.held.clear();
  }
}

/** Collects a scanner's characters until Enter (or Tab), then yields the code. */
export class BarcodeAssembler {
  private chars: string[] = [];

  constructor(private readonly maxLength = 256) {}

  /** Returns a finished code, if this key finished one. Unknown keys are ignored. */
  push(key: KeyPress): string | undefined {
    if (key.usage === Usage.enter || key.usage === Usage.keypadEnter || key.usage === Usage.tab) {
      const code = this.chars.join('');
      this.chars = [];
      return code.length ? code : undefined;
    }
    const char = usageToChar(key.usage, key.shift);
    if (char !== undefined && this.chars.length < this.maxLength) this.chars.push(char);
    return undefined;
  }
}

/** The reports a scanner sends to type `text` and Enter: a press and a release per character. */
export function encodeTextReports(text: string): Buffer[] {
  const reports: Buffer[] = [];
  for (const char of text) {
    const key = charToUsage(char);
    if (!key) throw new InvalidArgumentError(`a keyboard scanner cannot type ${JSON.stringify(char)}`);
    reports.push(Buffer.from([key.shift ? 0x02 : 0, 0, key.usage, 0, 0, 0, 0, 0]), Buffer.alloc(REPORT_SIZE));
  }
  reports.push(Buffer.from([0, 0, Usage.enter, 0, 0, 0, 0, 0]), Buffer.alloc(REPORT_SIZE));
  return reports;
}
