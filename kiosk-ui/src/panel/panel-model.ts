import {
  FacilityUserNumberSchema,
  type CoinYen,
  type DeviceHealth,
  type DeviceKind,
  type DeviceStatus,
  type PanelCommandName,
  type PanelHopper,
  type PanelPinKey,
  type ProtocolError,
} from '@kiosk/protocols';
import { LinkError } from '../shared/link-errors';
import type { PanelKey, PanelLanguage, PanelMessageKey, PanelTranslate } from './i18n/index';

/**
 * The device panel's rules as pure functions: which health badges go in which section, how typed input
 * becomes a barcode, what a failed command tells the person. The Svelte side only renders them.
 */

export const COINS: readonly CoinYen[] = [10, 50, 100, 500];

/** The panel's sections, each with the device kinds whose health it shows. */
export const SECTION_KINDS = {
  card: ['card-reader'],
  coins: ['coin-acceptor', 'coin-hopper'],
  receipt: ['receipt-printer'],
  document: ['document-printer'],
  scanner: ['barcode-scanner'],
  pinpad: ['pin-pad'],
} as const satisfies Record<string, readonly DeviceKind[]>;
export type SectionId = keyof typeof SECTION_KINDS;

/** The devices a section shows a badge for, in the section's kind order, then by id. */
export function devicesFor(devices: readonly DeviceHealth[], section: SectionId): DeviceHealth[] {
  const kinds: readonly DeviceKind[] = SECTION_KINDS[section];
  return devices
    .filter((device) => kinds.includes(device.kind))
    .sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
}

/** Badge colour: a missing device is as bad as a broken one for someone trying a flow. */
export function healthTone(status: DeviceStatus): 'ok' | 'warning' | 'error' {
  return status === 'missing' ? 'error' : status;
}

/** The 12-key pad as printed on real ones (clear and enter flank the 0); cancel sits beside it. */
export const PIN_PAD_ROWS: readonly (readonly PanelPinKey[])[] = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
  ['clear', '0', 'enter'],
];
export const PIN_PAD_SIDE_KEY: PanelPinKey = 'cancel';

export function pinKeyLabel(key: PanelPinKey): PanelKey | null {
  switch (key) {
    case 'clear':
      return 'panel.pinpad.key.clear';
    case 'cancel':
      return 'panel.pinpad.key.cancel';
    case 'enter':
      return 'panel.pinpad.key.enter';
    default:
      return null;
  }
}

const FULL_WIDTH_ZERO = 0xff10;

/**
 * What a person types into the scan box, as the scanner would send it: full-width digits (a Japanese
 * IME's default) become ASCII, and spaces and hyphens (as printed on cards, "1234-5678") are dropped.
 */
export function normalizeBarcode(input: string): string {
  return input
    .replace(/[\uff10-\uff19]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) - FULL_WIDTH_ZERO + 0x30))
    .replace(/[\s\-\u2010-\u2015\u2212\u30fc\uff0d]/g, '');
}

export type ScanInput = { ok: true; barcode: string } | { ok: false };

/** A facility user number is 8 digits; anything else is refused here, before it reaches the agent. */
export function parseScanInput(input: string): ScanInput {
  const parsed = FacilityUserNumberSchema.safeParse(normalizeBarcode(input));
  return parsed.success ? { ok: true, barcode: parsed.data } : { ok: false };
}

/** Coins left in the hopper, largest first, and what they are worth. */
export function hopperSummary(hopper: PanelHopper): { coins: { coinYen: CoinYen; count: number }[]; totalYen: number } {
  const coins = [...hopper.coins].sort((a, b) => b.coinYen - a.coinYen);
  return { coins, totalYen: coins.reduce((sum, coin) => sum + coin.coinYen * coin.count, 0) };
}

/** Why a command did not go through, in terms the panel can translate. */
export type PanelFailure =
  | { kind: 'disconnected' | 'timeout' | 'malformed' | 'invalid-barcode' | 'unexpected' }
  | { kind: 'rejected'; error: ProtocolError };

/** A refusal from the agent: the ack said `ok: false`. */
export class CommandRejectedError extends LinkError {
  constructor(
    readonly command: PanelCommandName,
    readonly error: ProtocolError,
  ) {
    super('rejected', `${command}: ${error.code}: ${error.message}`);
  }
}

export function toFailure(error: unknown): PanelFailure {
  if (error instanceof CommandRejectedError) return { kind: 'rejected', error: error.error };
  if (error instanceof LinkError) {
    // A 'rejected' LinkError without the agent's answer cannot say more than "unexpected".
    return error.failure === 'rejected' ? { kind: 'unexpected' } : { kind: error.failure };
  }
  return { kind: 'unexpected' };
}

/** The last command's result, shown under the title; `seq` makes a repeated message announce again. */
export type CommandOutcome = { seq: number; command: PanelCommandName } & ({ ok: true } | { ok: false; failure: PanelFailure });

const ACTION_KEYS = {
  'panel.coin.insert': 'panel.action.coin.insert',
  'panel.printer.set': 'panel.action.printer.set',
  'panel.coin.set': 'panel.action.coin.set',
  'panel.hopper.set': 'panel.action.hopper.set',
  'panel.card.insert': 'panel.action.card.insert',
  'panel.card.remove': 'panel.action.card.remove',
  'panel.card.set': 'panel.action.card.set',
  'panel.scanner.scan': 'panel.action.scanner.scan',
  'panel.pinpad.press': 'panel.action.pinpad.press',
  'panel.document.take': 'panel.action.document.take',
} as const satisfies Record<PanelCommandName, PanelMessageKey>;

export function failureText(t: PanelTranslate, failure: PanelFailure): string {
  if (failure.kind === 'rejected') {
    return t('panel.failure.rejected', { code: failure.error.code, message: failure.error.message });
  }
  return t(`panel.failure.${failure.kind}`);
}

/** One sentence for the outcome line. Never repeats what was sent (a PIN key, a user number). */
export function outcomeText(t: PanelTranslate, outcome: CommandOutcome): string {
  const action = t(ACTION_KEYS[outcome.command]);
  return outcome.ok ? t('panel.outcome.ok', { action }) : t('panel.outcome.failed', { action, reason: failureText(t, outcome.failure) });
}

const LOCALES: Record<PanelLanguage, string> = { ja: 'ja-JP', en: 'en-GB' };

/** When something was printed, in Japan time (where the kiosk is), to the second. */
export function printedAtText(language: PanelLanguage, instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return instant;
  return new Intl.DateTimeFormat(LOCALES[language], {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
}
