import { createHash, createHmac } from 'node:crypto';
import { PUBLISHED_DRAW_FORMAT_V1, PUBLISHED_DRAW_FORMAT_V2, type PublishedDraw } from '@kiosk/protocols';
import { Sha256CounterStream, shuffleInPlace } from './drbg';
import { countBlocks, type SlotSpan } from './slots';

/**
 * The lottery draw: a pure function of the revealed seed, the witness value and the round's entries, specified in DRAW.md
 * so that anyone can re-run it from the published document and get the same text, byte for byte.
 * Nothing but the seed decides: entries are grouped and put in canonical order (by entry number) before
 * anything is shuffled, so the order they arrived in cannot matter, and past wins are not an input.
 */

export interface DrawSlot extends SlotSpan {
  slotId: string;
  capacity: number;
}

export interface DrawEntry {
  /** The entry number (public, printed on the receipt). */
  ref: string;
  /** The entrant's per-round pseudonym: entries of one person share it (for the wins cap). */
  entrant: string;
  first: string;
  second: string | null;
}

export interface DrawInput {
  roundId: string;
  /** The committed seed: SHA-256 of its bytes is `commitment`. */
  seed: string;
  commitment: string;
  /**
   * The witness value the draw officer entered at the draw (format v2): the random numbers are keyed by
   * `drawSeedOf(seed, witness)`. Absent: a v1 draw (before witnesses), keyed by the seed itself.
   */
  witness?: string;
  maxWinsPerEntrant: number | null;
  slots: readonly DrawSlot[];
  entries: readonly DrawEntry[];
}

export interface SlotOutcome {
  slotId: string;
  capacity: number;
  /** Refs of the winning entries, in drawn order (1st choices, then 2nd choices). */
  winners: string[];
  /** The ranked alternates: 1st-choice candidates in drawn order, then 2nd-choice candidates (whose 1st lost). */
  alternates: string[];
}

export type WinResult = 'won-first' | 'won-second';

export interface DrawOutcome {
  /** Slots with at least one candidate, by slot id. */
  slots: SlotOutcome[];
  /** The winning entries by ref; an entry not in it lost. */
  wins: Map<string, { result: WinResult; slotId: string }>;
  /** The canonical text (DRAW.md), joined when first read, and its SHA-256. */
  readonly text: string;
  digest: string;
}

export class DrawInputError extends Error {
  override readonly name = 'DrawInputError';
  constructor(
    readonly reason: 'bad-seed' | 'commitment-mismatch' | 'duplicate-slot' | 'duplicate-ref' | 'unknown-slot' | 'same-choice' | 'bad-capacity',
    message: string,
  ) {
    super(message);
  }
}

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** The commitment published before the entry window closes: SHA-256 of the 32 seed bytes, in hex. */
export function commitmentOf(seedHex: string): string {
  return sha256Hex(seedBytes(seedHex));
}

/**
 * The draw's own seed in format v2: SHA-256(seed bytes || UTF-8(witness)). The seed is fixed and
 * committed when the round is created, the witness only at the draw, so whoever holds the seed before
 * (a hub insider) cannot know the result while entries are open. The seed has a fixed length (32
 * bytes), so the concatenation is unambiguous.
 */
export function drawSeedOf(seedHex: string, witness: string): string {
  return sha256Hex(Buffer.concat([seedBytes(seedHex), Buffer.from(witness, 'utf8')]));
}

/**
 * A person's pseudonym in one round: HMAC-SHA-256 keyed by the seed over "entrant/" + their internal
 * identity id, first 16 bytes in hex. It links a person's entries within the round (the wins cap needs
 * that) and nothing else: another round has another seed, so another pseudonym.
 */
export function entrantPseudonym(seedHex: string, identityId: string): string {
  return createHmac('sha256', seedBytes(seedHex)).update(`entrant/${identityId}`, 'utf8').digest('hex').slice(0, 32);
}

function seedBytes(seedHex: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(seedHex)) throw new DrawInputError('bad-seed', 'the seed must be 64 lowercase hex digits');
  return Buffer.from(seedHex, 'hex');
}

/** What a published document, of either format, gives the draw to re-run it. */
export function drawInputOf(document: PublishedDraw): DrawInput {
  return {
    roundId: document.roundId,
    seed: document.seed,
    commitment: document.commitment,
    maxWinsPerEntrant: document.rules.maxWinsPerEntrant,
    slots: document.slots,
    entries: document.entries,
    ...(document.format === PUBLISHED_DRAW_FORMAT_V2 ? { witness: document.witness.value } : {}),
  };
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Entry indexes in canonical order (ascending ref). When every ref is a 10-digit entry number, as the
 * hub's are, their numeric order is their string order and a numeric sort is several times faster at a
 * million entries; any other refs are compared as strings.
 */
function canonicalOrder(entries: readonly DrawEntry[]): Uint32Array {
  const order = new Uint32Array(entries.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  if (entries.every((e) => /^[0-9]{10}$/.test(e.ref))) {
    const keys = new Float64Array(entries.length);
    for (let i = 0; i < keys.length; i++) keys[i] = Number((entries[i] as DrawEntry).ref);
    return order.sort((a, b) => (keys[a] as number) - (keys[b] as number));
  }
  return order.sort((a, b) => byString((entries[a] as DrawEntry).ref, (entries[b] as DrawEntry).ref));
}

/** Entry indexes grouped by slot (`start[s]` … `start[s + 1]`), each group in canonical order. */
function groupBySlot(order: Uint32Array, slotOf: Int32Array, slotCount: number): { start: Uint32Array; members: Uint32Array } {
  const start = new Uint32Array(slotCount + 1);
  for (const i of order) {
    const s = slotOf[i] as number;
    if (s >= 0) start[s + 1] = (start[s + 1] as number) + 1;
  }
  for (let s = 0; s < slotCount; s++) start[s + 1] = (start[s + 1] as number) + (start[s] as number);
  const next = start.slice(0, slotCount);
  const members = new Uint32Array(start[slotCount] as number);
  for (const i of order) {
    const s = slotOf[i] as number;
    if (s < 0) continue;
    members[next[s] as number] = i;
    next[s] = (next[s] as number) + 1;
  }
  return { start, members };
}

export function runDraw(input: DrawInput): DrawOutcome {
  if (commitmentOf(input.seed) !== input.commitment) {
    throw new DrawInputError('commitment-mismatch', 'SHA-256(seed) does not equal the published commitment');
  }
  const seed = seedBytes(input.witness === undefined ? input.seed : drawSeedOf(input.seed, input.witness));
  const slots = [...input.slots].sort((a, b) => byString(a.slotId, b.slotId));
  const indexOf = new Map<string, number>();
  slots.forEach((slot, i) => {
    if (indexOf.has(slot.slotId)) throw new DrawInputError('duplicate-slot', `slot ${slot.slotId} listed twice`);
    if (!Number.isInteger(slot.capacity) || slot.capacity < 1) throw new DrawInputError('bad-capacity', `slot ${slot.slotId}: bad capacity`);
    indexOf.set(slot.slotId, i);
  });
  const entries = input.entries;
  const firstOf = new Int32Array(entries.length);
  const secondOf = new Int32Array(entries.length).fill(-1);
  entries.forEach((entry, i) => {
    const first = indexOf.get(entry.first);
    if (first === undefined) throw new DrawInputError('unknown-slot', `entry ${entry.ref}: unknown slot ${entry.first}`);
    firstOf[i] = first;
    if (entry.second === null) return;
    if (entry.second === entry.first) throw new DrawInputError('same-choice', `entry ${entry.ref}: 2nd choice equals 1st`);
    const second = indexOf.get(entry.second);
    if (second === undefined) throw new DrawInputError('unknown-slot', `entry ${entry.ref}: unknown slot ${entry.second}`);
    secondOf[i] = second;
  });
  const order = canonicalOrder(entries);
  for (let k = 1; k < order.length; k++) {
    const ref = (entries[order[k] as number] as DrawEntry).ref;
    if (ref === (entries[order[k - 1] as number] as DrawEntry).ref) throw new DrawInputError('duplicate-ref', `entry ${ref} listed twice`);
  }
  // Candidates per slot and choice, each group already in canonical (ref) order.
  const firstBy = groupBySlot(order, firstOf, slots.length);
  const secondBy = groupBySlot(order, secondOf, slots.length);

  // 1. The order slots are decided in (it matters only to the wins cap).
  const slotOrder = shuffleInPlace(Uint32Array.from(slots, (_, i) => i), new Sha256CounterStream(seed, 'slot-order'));

  const wonChoice = new Uint8Array(entries.length); // 0 = not (yet) won, 1 or 2 = won with that choice
  const winners: string[][] = slots.map(() => []);
  const alternates: string[][] = slots.map(() => []);
  const hadCandidates = new Uint8Array(slots.length);
  const wonSpans = new Map<string, SlotSpan[]>();
  const wins = new Map<string, { result: WinResult; slotId: string }>();
  const max = input.maxWinsPerEntrant;
  const canWin = (entrant: string, slot: DrawSlot) => max === null || countBlocks([...(wonSpans.get(entrant) ?? []), slot]) <= max;

  const pass = (choice: 1 | 2, groups: { start: Uint32Array; members: Uint32Array }) => {
    const label = choice === 1 ? 'first/' : 'second/';
    for (const s of slotOrder) {
      let candidates = groups.members.slice(groups.start[s], groups.start[s + 1]);
      // 2nd choices count only for entries whose 1st choice lost.
      if (choice === 2) candidates = candidates.filter((i) => wonChoice[i] === 0);
      if (candidates.length === 0) continue;
      hadCandidates[s] = 1;
      const slot = slots[s] as DrawSlot;
      for (const i of shuffleInPlace(candidates, new Sha256CounterStream(seed, label + slot.slotId))) {
        const entry = entries[i] as DrawEntry;
        const slotWinners = winners[s] as string[];
        if (slotWinners.length < slot.capacity && canWin(entry.entrant, slot)) {
          slotWinners.push(entry.ref);
          wonChoice[i] = choice;
          if (max !== null) wonSpans.set(entry.entrant, [...(wonSpans.get(entry.entrant) ?? []), slot]);
          wins.set(entry.ref, { result: choice === 1 ? 'won-first' : 'won-second', slotId: slot.slotId });
        } else {
          (alternates[s] as string[]).push(entry.ref);
        }
      }
    }
  };
  // 2. First choices for every slot, then 3. second choices of entries whose first choice lost.
  pass(1, firstBy);
  pass(2, secondBy);

  const outcomes: SlotOutcome[] = [];
  slots.forEach((slot, s) => {
    if (hadCandidates[s]) outcomes.push({ slotId: slot.slotId, capacity: slot.capacity, winners: winners[s] as string[], alternates: alternates[s] as string[] });
  });
  const { digest, lines } = canonicalOutput(input, outcomes);
  let text: string | undefined;
  return {
    slots: outcomes,
    wins,
    digest,
    get text() {
      text ??= lines.join('');
      return text;
    },
  };
}

/**
 * The draw's output (DRAW.md, "Output"), line by line, and the SHA-256 of their concatenation, fed
 * line by line: at a million entries, joining everything into one text first costs more than the
 * draw. The text itself is joined only when someone reads it (the re-run command prints it).
 */
function canonicalOutput(input: DrawInput, outcomes: readonly SlotOutcome[]): { digest: string; lines: string[] } {
  const head =
    input.witness === undefined
      ? [`${PUBLISHED_DRAW_FORMAT_V1}\n`, `round ${input.roundId}\n`, `commitment ${input.commitment}\n`, `seed ${input.seed}\n`]
      : [
          `${PUBLISHED_DRAW_FORMAT_V2}\n`,
          `round ${input.roundId}\n`,
          `commitment ${input.commitment}\n`,
          `seed ${input.seed}\n`,
          // In hex: the witness is free text, the output stays one line per field whatever it holds.
          `witness ${Buffer.from(input.witness, 'utf8').toString('hex')}\n`,
          `draw-seed ${drawSeedOf(input.seed, input.witness)}\n`,
        ];
  const lines = [...head, `entries ${input.entries.length}\n`];
  for (const o of outcomes) {
    lines.push(`slot ${o.slotId} capacity ${o.capacity} winners ${o.winners.join(',') || '-'} alternates ${o.alternates.join(',') || '-'}\n`);
  }
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line, 'utf8');
  return { digest: hash.digest('hex'), lines };
}
