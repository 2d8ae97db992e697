import {
  ConsoleCommandRequestSchema,
  HubCommandSchema,
  MAX_CASH_BOX_YEN,
  MAX_HOPPER_COINS,
  type CommandStatus,
  type CommandView,
  type ConsoleCommandRequest,
  type DeviceHealth,
  type HopperCount,
  type HubCommand,
  type HubCommandType,
  type Role,
} from '@kiosk/protocols';

/**
 * Remote commands in the console: the history (kept newest first, merged from pushes), what the command
 * panel may offer, and building a request the hub will accept — checked here with the protocol's own
 * command schema, so a button can never send something the agent could not parse.
 */

/** A command as a technician asks for it: a type and its parameters, without the ids and times the hub adds. */
export type CommandDraft = { [T in HubCommandType]: { type: T; params: Extract<HubCommand, { type: T }>['params'] } }[HubCommandType];

/** queued → delivered → one of the ends; a queued command may also expire (or fail) without delivery. */
const STATUS_RANK: Record<CommandStatus, number> = { queued: 0, delivered: 1, succeeded: 2, failed: 2, expired: 2 };

function newestFirst(a: CommandView, b: CommandView): number {
  // Command ids are UUIDv7 (time-ordered), which breaks ties between commands issued in the same ms.
  return Date.parse(b.issuedAt) - Date.parse(a.issuedAt) || (a.commandId < b.commandId ? 1 : a.commandId > b.commandId ? -1 : 0);
}

/** Adds or replaces a command; a copy that is further along is never replaced by an older one. */
export function upsertCommand(list: readonly CommandView[], command: CommandView): CommandView[] {
  const existing = list.find((known) => known.commandId === command.commandId);
  if (existing && STATUS_RANK[existing.status] > STATUS_RANK[command.status]) return [...list];
  return [...list.filter((known) => known.commandId !== command.commandId), command].sort(newestFirst);
}

export function isFinished(command: CommandView): boolean {
  return STATUS_RANK[command.status] === 2;
}

/** The history label of a command: the service change says which way it went. */
export type CommandLabel = Exclude<HubCommandType, 'service.set'> | 'service.out' | 'service.in';

export function commandLabel(command: Pick<CommandView, 'type' | 'params'>): CommandLabel {
  if (command.type !== 'service.set') return command.type;
  return command.params['inService'] === true ? 'service.in' : 'service.out';
}

/** The device a command is about, when it has one. */
export function commandDevice(command: Pick<CommandView, 'params'>): string | null {
  const deviceId = command.params['deviceId'];
  return typeof deviceId === 'string' ? deviceId : null;
}

export function isPrinter(device: Pick<DeviceHealth, 'kind'>): boolean {
  return device.kind === 'receipt-printer' || device.kind === 'document-printer';
}

/** Why a command button is disabled (each has a sentence on screen). */
export type CommandBlock = 'viewer' | 'disconnected' | 'no-printer' | 'no-device' | 'no-coin-acceptor';

export interface CommandAvailability {
  /** Ping, configuration refresh, service state. */
  general: CommandBlock | null;
  testPrint: CommandBlock | null;
  reset: CommandBlock | null;
  /** `cash.collected`: only a kiosk with a coin acceptor keeps a cash-box count. */
  cashCollected: CommandBlock | null;
}

/** A viewer may not command at all; nothing can be sent while disconnected; device commands need a device. */
export function commandAvailability(role: Role | null, connected: boolean, devices: readonly DeviceHealth[]): CommandAvailability {
  const general: CommandBlock | null = role === null || role === 'viewer' ? 'viewer' : connected ? null : 'disconnected';
  return {
    general,
    testPrint: general ?? (devices.some(isPrinter) ? null : 'no-printer'),
    reset: general ?? (devices.length > 0 ? null : 'no-device'),
    cashCollected: general ?? (devices.some((device) => device.kind === 'coin-acceptor') ? null : 'no-coin-acceptor'),
  };
}

export class InvalidCommandError extends Error {
  override readonly name = 'InvalidCommandError';
  constructor(
    readonly type: string,
    readonly issues: string[],
  ) {
    super(`command ${type}: ${issues.join('; ')}`);
  }
}

/**
 * The request for `command.send`. The parameters are checked against the protocol's schema for that
 * command type (as the hub will), so a bad one fails here with a named error instead of a round trip.
 */
export function commandRequest(kioskId: string, draft: CommandDraft): ConsoleCommandRequest {
  const option = HubCommandSchema.options.find((candidate) => candidate.shape.type.value === draft.type);
  const params = option?.shape.params.safeParse(draft.params);
  if (!params?.success) {
    throw new InvalidCommandError(draft.type, params?.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? ['unknown type']);
  }
  return ConsoleCommandRequestSchema.parse({ kioskId, type: draft.type, params: params.data });
}

/** The look-backs the panel offers for `logs.upload` (the protocol allows 1 to MAX_LOG_UPLOAD_MINUTES). */
export const LOG_UPLOAD_MINUTES = [5, 15, 30, 60] as const;

/** A finished log upload whose lines the hub holds: the history offers the download. */
export function hasLogDownload(command: Pick<CommandView, 'type' | 'status'>): boolean {
  return command.type === 'logs.upload' && command.status === 'succeeded';
}

/** Whole numbers as people type them: half- or full-width digits, commas; yen with a yen sign or 円, coins with 枚. */
export function wholeNumber(typed: string, unit: 'yen' | 'coins'): number | null {
  const trimmed = typed
    .trim()
    .replace(/[０-９]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0xfee0))
    .replace(/[,，]/g, '');
  const text = unit === 'yen' ? trimmed.replace(/^[¥￥]/, '').replace(/円$/, '') : trimmed.replace(/枚$/, '');
  return /^\d{1,9}$/.test(text) ? Number(text) : null;
}

/** The hoppers the collection form offers, by coin (a kiosk has some of them; blank rows are not sent). */
export const HOPPER_COINS = [10, 50, 100, 500] as const satisfies readonly HopperCount['coinYen'][];
export type HopperCoin = (typeof HOPPER_COINS)[number];
/** What was typed for each hopper: the coins found in it, and the coins left after refilling or emptying. */
export type HopperCountText = Record<HopperCoin, { found: string; left: string }>;

export function noHopperCounts(): HopperCountText {
  return { 10: { found: '', left: '' }, 50: { found: '', left: '' }, 100: { found: '', left: '' }, 500: { found: '', left: '' } };
}

/**
 * The hopper counts typed at a collection: a row left blank is not sent; a row needs both numbers (whole
 * coins). `undefined`: nothing typed (the hoppers were not counted); null: something typed is not a count.
 */
export function hopperCountsDraft(text: HopperCountText): HopperCount[] | null | undefined {
  const counts: HopperCount[] = [];
  for (const coinYen of HOPPER_COINS) {
    const { found, left } = text[coinYen];
    if (found.trim() === '' && left.trim() === '') continue;
    const foundCoins = wholeNumber(found, 'coins');
    const leftCoins = wholeNumber(left, 'coins');
    if (foundCoins === null || leftCoins === null || foundCoins > MAX_HOPPER_COINS || leftCoins > MAX_HOPPER_COINS) return null;
    counts.push({ coinYen, foundCoins, leftCoins });
  }
  return counts.length === 0 ? undefined : counts;
}

/**
 * `cash.collected` from the amount field: blank means "not counted" (no amount sent); otherwise whole yen
 * (half-width or full-width digits, commas allowed). With the hoppers counted, their counts too. null
 * when what was typed is not an amount or not a count.
 */
export function cashCollectedDraft(counted: string, hoppers: HopperCountText = noHopperCounts()): CommandDraft | null {
  const hopperCounts = hopperCountsDraft(hoppers);
  if (hopperCounts === null) return null;
  const withHoppers = hopperCounts === undefined ? {} : { hoppers: hopperCounts };
  if (counted.trim() === '') return { type: 'cash.collected', params: { ...withHoppers } };
  const countedYen = wholeNumber(counted, 'yen');
  return countedYen !== null && countedYen <= MAX_CASH_BOX_YEN ? { type: 'cash.collected', params: { countedYen, ...withHoppers } } : null;
}

/** Out of service with a reason only when one was typed (the protocol's reason is optional, ≤ 200 chars). */
export function serviceDraft(inService: boolean, reason: string): CommandDraft {
  const trimmed = reason.trim();
  return { type: 'service.set', params: inService || trimmed === '' ? { inService } : { inService, reason: trimmed } };
}
