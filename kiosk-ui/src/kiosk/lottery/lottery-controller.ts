import type { FacilityView, Language, LotteryPinKey, LotteryUiFailure, LotteryUiState, SlotView } from '@kiosk/protocols';
import type { LotteryAction } from './lottery-failures';
import type { LotteryPort } from './lottery-link';
import { weekOfDay } from './lottery-paging';
import { backFrom, FIRST_PAGES, shownScreen, type LotteryPager, type LotteryScreenData } from './lottery-screen-data';
import { changedResults, NO_CHOICES, provisionalToShow, selectable, toggleChoice, type LotteryPurpose, type LotteryScreenKind } from './lottery-view';

/** Where the lottery screens' data goes (a Svelte state in the app, a plain object in tests). */
export interface LotteryStore {
  readonly data: LotteryScreenData;
  set(data: LotteryScreenData): void;
}

/** The kiosk around the lottery. */
export interface LotteryHost {
  /** The signed-in person is done (signed out, or left): the next person starts afresh, in Japanese. */
  finish(): void;
}

type EntryDecision = 'lottery.entry.confirm' | 'lottery.entry.decline' | 'lottery.entry.cancel';

/**
 * The lottery screens' state and transitions for one visit, without Svelte: follows the agent's pushed
 * lottery state, sends the person's requests (one at a time as far as `busy` shows), and keeps what the
 * screens show in one `LotteryScreenData` value in the store. Step components render that value and call
 * these methods; nothing here knows about the DOM. PIN keys pass straight through and are not kept.
 */
export class LotteryController {
  #unsubscribe: (() => void) | null = null;
  /** Whether this sign-in's results were looked at (once per sign-in; "my entries" refreshes them). */
  #changesChecked = false;

  constructor(
    private readonly port: LotteryPort,
    private readonly store: LotteryStore,
    private readonly host: LotteryHost,
    /** The session's language, read when a request needs it (it may change while the screen shows). */
    private readonly language: () => Language,
  ) {}

  get data(): LotteryScreenData {
    return this.store.data;
  }

  start(): void {
    // The link keeps the last state the agent pushed. Inactive, it is the end of an earlier visit (its
    // printer notice, its refusal): this visit begins with the agent's next push, not with that.
    const latest = this.port.latest;
    if (latest?.stage !== 'inactive') this.#receive(latest);
    this.#unsubscribe = this.port.subscribe((state) => this.#receive(state));
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** Goes to `next` after sign-in, clearing the problem shown. */
  go(next: LotteryScreenKind): void {
    this.#patch({ problem: null, wanted: next });
  }

  /** 戻る on a screen after sign-in. */
  back(): void {
    this.go(backFrom(shownScreen(this.data)));
  }

  /** 前へ / 次へ on a paged list. */
  turnPage(pager: LotteryPager, page: number): void {
    this.#patch({ pages: { ...this.data.pages, [pager]: Math.max(0, page) } });
  }

  key(pressed: LotteryPinKey): void {
    this.#run(async () => {
      const ack = await this.port.request('lottery.pin.press', { key: pressed });
      if (!ack.ok) this.#failed('browse', ack);
    });
  }

  openFacilities(purpose: LotteryPurpose): void {
    this.#patch({ purpose, choices: NO_CHOICES, bookingSlot: null, pages: FIRST_PAGES });
    this.go('facilities');
    this.#run(async () => {
      await this.#loadFacilities();
    });
  }

  /** The calendar of `facility` at `month` (the first month shown by default), loaded from the agent. */
  openCalendar(facility: FacilityView, month: string, keepDay = false): void {
    this.#patch({
      facility,
      month,
      ...(keepDay ? {} : { day: null, pages: { ...this.data.pages, weeks: 0, slots: 0 } }),
      slots: [],
      loadedMonth: null,
      noInfoMonth: null,
    });
    this.go('calendar');
    this.#run(async () => {
      const ack = await this.port.request('lottery.availability', { facilityId: facility.facilityId, month });
      if (!ack.ok) {
        // Offline with no copy of this month: say so, never "0 open" on every day.
        if (ack.error.code === 'hub_unreachable') this.#patch({ noInfoMonth: month });
        else this.#failed('browse', ack);
        return;
      }
      this.#patch({
        slots: ack.slots,
        seenSlots: new Map([...this.data.seenSlots, ...ack.slots.map((slot) => [slot.slotId, slot] as const)]),
        loadedMonth: ack.month,
        asOf: ack.source === 'cache' ? ack.asOf : null,
      });
    });
  }

  /** A day picked: its week shows alone (a week a page) with the day's time slots from their first page. */
  pickDay(date: string): void {
    this.#patch({ day: date, pages: { ...this.data.pages, weeks: weekOfDay(date), slots: 0 } });
  }

  /** A slot tapped: chosen (or unchosen) for a lottery entry, or on to the booking's review. */
  tapSlot(slot: SlotView): void {
    if (!selectable(slot, this.data.purpose)) return;
    if (this.data.purpose === 'enter') this.#patch({ choices: toggleChoice(this.data.choices, slot.slotId) });
    else {
      this.#patch({ bookingSlot: slot });
      this.go('review-booking');
    }
  }

  submitEntry(): void {
    const { first, second } = this.data.choices;
    if (!first) return;
    this.#run(async () => {
      const ack = await this.port.request('lottery.entry.submit', { firstSlotId: first, ...(second ? { secondSlotId: second } : {}), language: this.language() });
      if (!ack.ok) return this.#failed('entry.submit', ack);
      this.#patch({ done: { kind: 'entry', ack }, choices: NO_CHOICES });
      this.go('done');
    });
  }

  submitBooking(): void {
    const slot = this.data.bookingSlot;
    if (!slot) return;
    this.#run(async () => {
      const ack = await this.port.request('lottery.booking.create', { slotId: slot.slotId, language: this.language() });
      if (!ack.ok) {
        const facility = this.data.facility;
        if (ack.error.code === 'slot_unavailable' && facility) {
          // Someone else was first: back to the calendar, reloaded, so the slot shows as taken.
          this.#patch({ bookingSlot: null });
          this.openCalendar(facility, this.data.month, true);
        }
        return this.#failed('booking.create', ack);
      }
      this.#patch({ done: { kind: 'booking', booking: ack.booking, receipt: ack.receipt ?? { printed: false } } });
      this.go('done');
    });
  }

  openEntries(): void {
    // Opened from another screen the list starts on its first page; reloaded after a decision, it stays.
    const page = shownScreen(this.data) === 'entries' ? this.data.pages.entries : 0;
    this.go('entries');
    this.#patch({ entries: null, pages: { ...this.data.pages, entries: page } });
    this.#run(async () => {
      await this.#ensureFacilities();
      const ack = await this.port.request('lottery.entries', {});
      if (!ack.ok) return this.#failed('browse', ack);
      this.#patch({
        entries: { entries: ack.entries, provisional: provisionalToShow(ack.provisional), unsent: ack.unsent },
        changes: changedResults(ack.entries, this.#now()),
      });
    });
  }

  openBookings(): void {
    const page = shownScreen(this.data) === 'bookings' ? this.data.pages.bookings : 0;
    this.go('bookings');
    this.#patch({ bookings: null, quote: null, pages: { ...this.data.pages, bookings: page } });
    this.#run(async () => {
      await this.#ensureFacilities();
      // A held booking is a lottery win: it is decided through its entry, so both are loaded.
      const mine = await this.port.request('lottery.entries', {});
      if (mine.ok) {
        this.#patch({
          entries: { entries: mine.entries, provisional: provisionalToShow(mine.provisional), unsent: mine.unsent },
          changes: changedResults(mine.entries, this.#now()),
        });
      }
      const ack = await this.port.request('lottery.bookings', {});
      if (!ack.ok) return this.#failed('browse', ack);
      this.#patch({ bookings: ack.bookings });
    });
  }

  /** Confirm or decline a win, or cancel an entry; then the list it was on, reloaded. */
  decideEntry(event: EntryDecision, entryId: string, from: 'entries' | 'bookings'): void {
    this.#run(async () => {
      const ack = await this.port.request(event, { entryId, language: this.language() });
      if (!ack.ok) return this.#failed(event === 'lottery.entry.cancel' ? 'entry.cancel' : 'entry.decide', ack);
      if (from === 'entries') this.openEntries();
      else this.openBookings();
    });
  }

  quoteCancel(bookingId: string): void {
    this.#run(async () => {
      const ack = await this.port.request('lottery.booking.quote-cancel', { bookingId });
      if (!ack.ok) return this.#failed('booking.cancel', ack);
      this.#patch({ quote: ack.quote });
    });
  }

  cancelBooking(): void {
    const shown = this.data.quote;
    if (!shown) return;
    this.#run(async () => {
      // The charge the person was shown: if the hub's charge changed meanwhile, it refuses (stale_quote).
      const ack = await this.port.request('lottery.booking.cancel', { bookingId: shown.bookingId, acceptedChargeYen: shown.chargeYen });
      this.#patch({ quote: null });
      if (!ack.ok) return this.#failed('booking.cancel', ack);
      this.openBookings();
    });
  }

  signOut(): void {
    this.#run(async () => {
      await this.port.request('lottery.signOut', {});
      this.#patch({ wanted: 'menu' });
      this.host.finish();
    });
  }

  #receive(agent: LotteryUiState | null): void {
    this.#patch({ agent });
    if (agent?.stage !== 'signed-in' || agent.mode !== 'online') {
      this.#changesChecked = false;
      if (this.data.changes.length > 0) this.#patch({ changes: [] });
      return;
    }
    if (this.#changesChecked) return;
    this.#changesChecked = true;
    void this.#checkChangedResults();
  }

  /** At sign-in: what changed since the draw (a promoted alternate's win to confirm). */
  async #checkChangedResults(): Promise<void> {
    try {
      await this.#ensureFacilities();
      const ack = await this.port.request('lottery.entries', {});
      if (ack.ok && this.data.agent?.stage === 'signed-in') this.#patch({ changes: changedResults(ack.entries, this.#now()) });
    } catch {
      // The notice is a courtesy: "my entries" shows every result, marked, whatever happened here.
    }
  }

  /** The catalogue (names) and the lottery clock; every screen that shows places or dates loads it first. */
  async #loadFacilities(): Promise<boolean> {
    const ack = await this.port.request('lottery.facilities', {});
    if (!ack.ok) {
      this.#failed('browse', ack);
      return false;
    }
    this.#patch({ facilities: ack.facilities, lotteryNow: new Date(ack.lotteryNow), asOf: ack.source === 'cache' ? ack.asOf : null });
    return true;
  }

  async #ensureFacilities(): Promise<void> {
    if (this.data.facilities.length === 0 || this.data.lotteryNow === null) await this.#loadFacilities();
  }

  #now(): Date {
    return this.data.lotteryNow ?? new Date(0);
  }

  #failed(action: LotteryAction, failure: LotteryUiFailure): void {
    this.#patch({ problem: { action, failure } });
  }

  /** One request with the screen marked busy; a request that fails outright shows its message. */
  #run(work: () => Promise<void>): void {
    this.#patch({ busy: true, problem: null });
    void work()
      .catch((problem: unknown) => this.#patch({ problem: { message: problem instanceof Error ? problem.message : String(problem) } }))
      .finally(() => this.#patch({ busy: false }));
  }

  #patch(change: Partial<LotteryScreenData>): void {
    this.store.set({ ...this.store.data, ...change });
  }
}
