import type { CoinYen } from '@kiosk/protocols';
import { FrameParseError } from '../errors';

/** The ccTalk headers this system uses (ccTalk Generic Specification, part 2). */
export const Header = {
  reply: 0,
  resetDevice: 1,
  nak: 5,
  busy: 6,
  enableHopper: 164,
  emergencyStop: 172,
  requestHopperStatus: 166,
  dispenseHopperCoins: 167,
  requestCoinId: 184,
  requestPayoutHighLowStatus: 217,
  modifyMasterInhibit: 228,
  readBufferedCredit: 229,
  modifyInhibitStatus: 231,
  performSelfCheck: 232,
  requestSerialNumber: 242,
  requestProductCode: 244,
  requestEquipmentCategory: 245,
  requestManufacturerId: 246,
  simplePoll: 254,
} as const;

/** Credit-buffer error codes (result A = 0) this system tells apart; others are reported by number. */
export const CoinEventCode = { rejectCoin: 1, inhibitedCoin: 2, creditSensorBlocked: 14, sorterOptoBlocked: 15 } as const;
/** Self-check fault codes (header 232) this system tells apart. */
export const FaultCode = { ok: 0, creditSensor: 3, rejectSensor: 18, payoutJammed: 25 } as const;

/** Faults that mean a coin is stuck in the acceptor. */
export const COIN_JAM_FAULTS: ReadonlySet<number> = new Set([FaultCode.creditSensor, FaultCode.rejectSensor]);

export const COIN_VALUES: readonly CoinYen[] = [10, 50, 100, 500];

/** The magic byte of "enable hopper". */
export const HOPPER_ENABLE = 165;

function expectLength(what: string, data: Buffer, length: number): void {
  if (data.length !== length) throw new FrameParseError('cctalk', 'bad-length', `${what}: ${data.length} data bytes, expected ${length}`);
}

/**
 * Coin id (header 184): six ASCII characters, country + value + issue, e.g. `JP100A`. Returns the yen value
 * for the four coins this kiosk takes, undefined for an empty position (`......`) or any other coin.
 */
export function parseCoinId(data: Buffer): CoinYen | undefined {
  expectLength('coin id', data, 6);
  const text = data.toString('latin1');
  const match = /^JP(\d{3})[A-Z]$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  return COIN_VALUES.find((coin) => coin === value);
}

export function encodeCoinId(value: CoinYen | undefined): Buffer {
  return Buffer.from(value === undefined ? '......' : `JP${String(value).padStart(3, '0')}A`, 'latin1');
}

export interface CreditBuffer {
  eventCounter: number;
  /** Five result pairs, newest first: A = coin position (1-16) with B = sorter path, or A = 0 with B = error code. */
  results: Array<{ a: number; b: number }>;
}

/** Read buffered credit (header 229): event counter then five (A, B) pairs. */
export function parseCreditBuffer(data: Buffer): CreditBuffer {
  expectLength('buffered credit', data, 11);
  const results = [];
  for (let i = 1; i < 11; i += 2) results.push({ a: data[i] as number, b: data[i + 1] as number });
  return { eventCounter: data[0] as number, results };
}

export function encodeCreditBuffer(buffer: CreditBuffer): Buffer {
  const bytes = [buffer.eventCounter];
  for (let i = 0; i < 5; i += 1) bytes.push(buffer.results[i]?.a ?? 0, buffer.results[i]?.b ?? 0);
  return Buffer.from(bytes);
}

export interface HopperStatus {
  eventCounter: number;
  /** Coins still to pay out in the current dispense. */
  remaining: number;
  lastPaid: number;
  lastUnpaid: number;
}

/** Request hopper status (header 166). */
export function parseHopperStatus(data: Buffer): HopperStatus {
  expectLength('hopper status', data, 4);
  return { eventCounter: data[0] as number, remaining: data[1] as number, lastPaid: data[2] as number, lastUnpaid: data[3] as number };
}

export function encodeHopperStatus(status: HopperStatus): Buffer {
  return Buffer.from([status.eventCounter, status.remaining, status.lastPaid, status.lastUnpaid]);
}

/** Emergency stop (header 172): the payout halted at once; answers the coins it left unpaid. */
export function parseEmergencyStop(data: Buffer): { unpaid: number } {
  expectLength('emergency stop', data, 1);
  return { unpaid: data[0] as number };
}

/** Request payout high/low status (header 217): bit 0 = at or below the low level, bit 4 = low sensor fitted. */
export function parsePayoutLevel(data: Buffer): { low: boolean } {
  expectLength('payout level', data, 1);
  const byte = data[0] as number;
  return { low: (byte & 0x10) !== 0 && (byte & 0x01) !== 0 };
}

/** Perform self-check (header 232): the fault code (and optional extra info, ignored). */
export function parseSelfCheck(data: Buffer): number {
  if (data.length < 1 || data.length > 2) throw new FrameParseError('cctalk', 'bad-length', `self-check: ${data.length} data bytes`);
  return data[0] as number;
}

/** Request serial number (header 242): three bytes, least significant first. */
export function parseSerialNumber(data: Buffer): number {
  expectLength('serial number', data, 3);
  return (data[0] as number) + 256 * (data[1] as number) + 65536 * (data[2] as number);
}

export function encodeSerialNumber(serial: number): Buffer {
  return Buffer.from([serial & 0xff, (serial >> 8) & 0xff, (serial >> 16) & 0xff]);
}

/** Modify inhibit status (header 231) data: bit n-1 set = coin position n accepted. */
export function inhibitMask(positions: Iterable<number>): Buffer {
  let mask = 0;
  for (const position of positions) if (position >= 1 && position <= 16) mask |= 1 << (position - 1);
  return Buffer.from([mask & 0xff, (mask >> 8) & 0xff]);
}

export function parseAscii(data: Buffer): string {
  return data.toString('latin1');
}
