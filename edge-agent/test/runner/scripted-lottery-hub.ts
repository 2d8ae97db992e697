/**
 * The hub as the lottery runner sees it (`LotteryHub`, the interface the real socket client implements),
 * scripted for the fast runner tests. Every request is parsed with its protocols schema and every answer
 * too, so a test can neither send nor receive a message the real hub would refuse. Sign-in checks a PIN
 * and locks a card after its last attempt; entries and bookings are idempotent on their client request id,
 * as the real hub's; an offline entry delivered from the outbox has its sealed PIN opened with the hub's key.
 */
import { constants, createHash, generateKeyPairSync, privateDecrypt, randomBytes, type KeyObject } from 'node:crypto';
import {
  lotteryAgentToHubSchemas,
  lotteryHubAckSchemas,
  ProvisionalEntryPayloadSchema,
  SealedPinPlaintextSchema,
  type BookingView,
  type EntryView,
  type LotteryEvent,
  type OfflineEntryKey,
  type SealedPinPlaintext,
} from '@kiosk/protocols';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { Clock } from '../../src/clock';
import { HubUnreachableError, type LotteryHub, type LotteryHubReply, type LotteryHubRequest } from '../../src/lottery/hub-client';
import { tennisFacility, tennisRound, tennisSlot } from '../../src/lottery/lottery-fixtures';

/** The answer schemas typed by their event (a mapped type, so a generic request keeps its answer's type). */
const answerSchemas: { [E in LotteryEvent]: z.ZodType<LotteryHubReply<E>> } = lotteryHubAckSchemas;

/** A facility user the hub knows: their PIN and how many wrong PINs are left before the card locks. */
interface User {
  pin: string;
  attemptsLeft: number;
}

/** One RSA key per test file (making one takes a while). */
let offlineKeyPair: { publicKey: KeyObject; privateKey: KeyObject } | null = null;

export class ScriptedLotteryHub implements LotteryHub {
  /** Every request that reached the hub, in order (parsed; PINs included, to check what was sent). */
  readonly requests: Array<{ event: LotteryEvent; body: unknown }> = [];
  /** Entries by client entry id (idempotent, as the real hub's); offline ones too, once delivered. */
  readonly entries = new Map<string, EntryView>();
  readonly bookings = new Map<string, BookingView>();
  /** The sealed PINs the hub opened from delivered offline entries. */
  readonly openedPins: SealedPinPlaintext[] = [];
  /** False: unreachable (requests throw as the real client's do). */
  up = true;
  /** The next request of this event reaches the hub and is committed, but its answer is lost. */
  loseAnswerTo: LotteryEvent | null = null;
  readonly offlineKey: OfflineEntryKey;
  private readonly users = new Map<string, User>();
  private readonly sessions = new Map<string, string>();
  private readonly privateKey: KeyObject;
  private numbers = 0;

  constructor(private readonly clock: Clock) {
    offlineKeyPair ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = offlineKeyPair.publicKey.export({ format: 'der', type: 'spki' });
    this.offlineKey = { keyId: createHash('sha256').update(spki).digest('hex'), algorithm: 'RSA-OAEP-SHA256', publicKey: spki.toString('base64') };
    this.privateKey = offlineKeyPair.privateKey;
  }

  knowUser(userNumber: string, pin: string, attemptsLeft = 5): void {
    this.users.set(userNumber, { pin, attemptsLeft });
  }

  isConnected(): boolean {
    return this.up;
  }

  count(event: LotteryEvent): number {
    return this.requests.filter((request) => request.event === event).length;
  }

  /** The hub receives an outbox event (what the sync link would send): an offline entry is judged here. */
  deliver(payload: unknown): EntryView {
    const entry = ProvisionalEntryPayloadSchema.parse(payload);
    const opened = SealedPinPlaintextSchema.parse(
      JSON.parse(privateDecrypt({ key: this.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(entry.sealedPin.ciphertext, 'base64')).toString('utf8')),
    );
    this.openedPins.push(opened);
    return this.entry(entry.clientEntryId, entry.firstSlotId, entry.secondSlotId, 'offline');
  }

  async request<E extends LotteryEvent>(event: E, body: LotteryHubRequest<E>): Promise<LotteryHubReply<E>> {
    await Promise.resolve();
    if (!this.up) throw new HubUnreachableError('the hub cannot be reached');
    const parsed: unknown = lotteryAgentToHubSchemas[event].parse(body);
    this.requests.push({ event, body: parsed });
    const answer = answerSchemas[event].parse(this.answer(event, parsed));
    if (this.loseAnswerTo === event) {
      this.loseAnswerTo = null;
      throw new HubUnreachableError(`no answer from the hub to ${event}`);
    }
    return answer;
  }

  private answer(event: LotteryEvent, body: unknown): unknown {
    const field = (name: string): string => String((body as Record<string, unknown>)[name]);
    const now = this.clock.now().toISOString();
    switch (event) {
      case 'lottery.signIn':
        return this.signIn(field('userNumber'), field('pin'));
      case 'lottery.signOut':
        this.sessions.delete(field('sessionToken'));
        return { ok: true };
      case 'lottery.offlineKey':
        return { ok: true, key: this.offlineKey };
      case 'lottery.facilities':
        return { ok: true, facilities: [tennisFacility] };
      case 'lottery.rounds':
        return { ok: true, rounds: [tennisRound] };
      case 'lottery.availability':
        return { ok: true, facilityId: tennisFacility.facilityId, asOf: now, slots: [tennisSlot] };
      default:
        break;
    }
    if (!this.sessions.has(field('sessionToken'))) return { ok: false, error: { code: 'session_expired', message: 'signed out' } };
    switch (event) {
      case 'lottery.entry.submit': {
        const second = (body as { secondSlotId?: string }).secondSlotId ?? null;
        return { ok: true, entry: this.entry(field('clientEntryId'), field('firstSlotId'), second, 'online') };
      }
      case 'lottery.entries':
        return { ok: true, entries: [...this.entries.values()], provisional: [] };
      case 'lottery.booking.create':
        return { ok: true, booking: this.book(field('clientBookingId'), field('slotId')) };
      case 'lottery.bookings':
        return { ok: true, bookings: [...this.bookings.values()] };
      case 'lottery.booking.cancel': {
        const booking = [...this.bookings.values()].find((candidate) => candidate.bookingId === field('bookingId'));
        if (!booking) return { ok: false, error: { code: 'not_found', message: 'no such booking' } };
        booking.status = 'cancelled';
        return { ok: true, booking };
      }
      default:
        return { ok: false, error: { code: 'invalid_message', message: `${event} is not scripted` } };
    }
  }

  private signIn(userNumber: string, pin: string): unknown {
    const user = this.users.get(userNumber);
    if (!user) return { ok: false, error: { code: 'invalid_credentials', message: 'unknown card or wrong PIN' } };
    if (user.attemptsLeft === 0) return { ok: false, error: { code: 'account_locked', message: 'locked' }, lockedUntil: new Date(this.clock.now().getTime() + 1_800_000).toISOString() };
    if (user.pin !== pin) {
      user.attemptsLeft -= 1;
      if (user.attemptsLeft === 0) return { ok: false, error: { code: 'account_locked', message: 'locked' }, lockedUntil: new Date(this.clock.now().getTime() + 1_800_000).toISOString() };
      return { ok: false, error: { code: 'invalid_credentials', message: 'wrong PIN' }, attemptsLeft: user.attemptsLeft };
    }
    const sessionToken = randomBytes(32).toString('base64url');
    this.sessions.set(sessionToken, userNumber);
    return { ok: true, sessionToken, expiresAt: new Date(this.clock.now().getTime() + 1_800_000).toISOString(), user: { municipality: '豊中市', expiresOn: '2029-03-31', certificateLinked: false } };
  }

  private entry(clientEntryId: string, firstSlotId: string, secondSlotId: string | null, channel: 'online' | 'offline'): EntryView {
    const known = this.entries.get(clientEntryId);
    if (known) return known;
    const now = this.clock.now().toISOString();
    const entry: EntryView = {
      entryId: uuidv7(),
      entryNumber: String(++this.numbers).padStart(10, '0'),
      clientEntryId,
      roundId: tennisRound.roundId,
      firstSlotId,
      secondSlotId,
      status: 'active',
      channel,
      occurredAt: now,
      acceptedAt: now,
      result: 'pending',
      wonSlotId: null,
      confirmation: 'none',
      confirmBy: null,
    };
    this.entries.set(clientEntryId, entry);
    return entry;
  }

  private book(clientBookingId: string, slotId: string): BookingView {
    const known = this.bookings.get(clientBookingId);
    if (known) return known;
    const booking: BookingView = {
      bookingId: uuidv7(),
      bookingNumber: `5${String(++this.numbers).padStart(9, '0')}`,
      slotId,
      source: 'first-come',
      status: 'confirmed',
      feeYen: 1200,
      createdAt: this.clock.now().toISOString(),
    };
    this.bookings.set(clientBookingId, booking);
    return booking;
  }
}
