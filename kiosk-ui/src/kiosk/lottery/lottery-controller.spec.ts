import {
  lotteryAgentUiAckSchemas,
  type FacilityView,
  type LotteryUiAck,
  type LotteryUiPayload,
  type LotteryUiRequest,
  type LotteryUiState,
  type SlotView,
} from '@kiosk/protocols';
import { LotteryController, type LotteryStore } from './lottery-controller';
import type { LotteryPort } from './lottery-link';
import { INITIAL_SCREEN_DATA, problemText, shownScreen, type LotteryScreenData } from './lottery-screen-data';
import { lotteryTranslator } from './i18n/index';

type Answer = (payload: unknown) => unknown;

/**
 * An in-memory agent: pushes lottery states when the test says so and answers each request from the
 * test's script, through the protocol's own ack schemas (a wrong fixture fails the test, as it would the link).
 */
class ScriptedAgent implements LotteryPort {
  latest: LotteryUiState | null = null;
  readonly sent: Array<{ event: LotteryUiRequest; payload: unknown }> = [];
  readonly answers = new Map<LotteryUiRequest, Answer>();
  readonly #listeners = new Set<(state: LotteryUiState) => void>();

  subscribe(listener: (state: LotteryUiState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  push(state: LotteryUiState): void {
    this.latest = state;
    for (const listener of this.#listeners) listener(state);
  }

  answer(event: LotteryUiRequest, answer: Answer): void {
    this.answers.set(event, answer);
  }

  request<R extends LotteryUiRequest>(event: R, payload: LotteryUiPayload<R>): Promise<LotteryUiAck<R>> {
    this.sent.push({ event, payload });
    const answer = this.answers.get(event);
    if (!answer) return Promise.reject(new Error(`${event}: not connected to the agent`));
    return Promise.resolve(lotteryAgentUiAckSchemas[event].parse(answer(payload)) as LotteryUiAck<R>);
  }

  requests(event: LotteryUiRequest): unknown[] {
    return this.sent.filter((sent) => sent.event === event).map((sent) => sent.payload);
  }
}

class Store implements LotteryStore {
  data: LotteryScreenData = INITIAL_SCREEN_DATA;
  set(data: LotteryScreenData): void {
    this.data = data;
  }
}

const signedIn: LotteryUiState = {
  stage: 'signed-in',
  pinDigits: 0,
  cardHint: null,
  mode: 'online',
  user: null,
  refusal: null,
  offlineEntryAvailable: false,
};

const facility = (n: number): FacilityView => ({
  facilityId: `gym-${n}`,
  municipality: '豊中市',
  name: `体育館${n}`,
  nameEn: `Gym ${n}`,
  facilityType: 'gym',
  cancelDeadlineDays: 7,
  units: [{ unitId: `gym-${n}-arena`, name: '競技場', nameEn: 'Arena', sports: ['badminton'] }],
});

const slot = (start: string, state: SlotView['state'] = 'lottery-open'): SlotView => ({
  slotId: `gym-1-arena@2027-02-13T${start.replace(':', '')}`,
  unitId: 'gym-1-arena',
  date: '2027-02-13',
  start,
  end: `${String(Number(start.slice(0, 2)) + 2).padStart(2, '0')}:00`,
  feeYen: 1000,
  state,
});

const AS_OF = '2026-12-07T00:00:00.000Z';
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(options: { facilities?: number } = {}) {
  const agent = new ScriptedAgent();
  agent.answer('lottery.facilities', () => ({
    ok: true,
    source: 'hub',
    asOf: AS_OF,
    lotteryNow: '2026-12-07T01:00:00.000Z',
    facilities: Array.from({ length: options.facilities ?? 2 }, (_, index) => facility(index + 1)),
  }));
  agent.answer('lottery.entries', () => ({ ok: true, source: 'hub', entries: [], provisional: [], unsent: [] }));
  agent.answer('lottery.availability', (payload) => ({
    ok: true,
    source: 'hub',
    asOf: AS_OF,
    facilityId: (payload as { facilityId: string }).facilityId,
    month: (payload as { month: string }).month,
    slots: [slot('09:00'), slot('11:00'), slot('13:00', 'available')],
  }));
  const store = new Store();
  const finished: string[] = [];
  let language: 'ja' | 'en' = 'ja';
  const controller = new LotteryController(agent, store, { finish: () => finished.push('finish') }, () => language);
  controller.start();
  return { agent, store, controller, finished, speak: (next: 'ja' | 'en') => (language = next) };
}

describe('LotteryController', () => {
  it('shows the sign-in until the agent says signed in, then the menu, and checks changed results once per sign-in', async () => {
    const { agent, store } = setup();
    expect(shownScreen(store.data)).toBe('sign-in');
    agent.push({ ...signedIn, stage: 'awaiting-pin', pinDigits: 2 });
    expect(shownScreen(store.data)).toBe('sign-in');
    agent.push(signedIn);
    agent.push({ ...signedIn, pinDigits: 0 });
    await settle();
    expect(shownScreen(store.data)).toBe('menu');
    expect(agent.requests('lottery.entries')).toHaveLength(1);
    agent.push({ ...signedIn, stage: 'inactive' });
    agent.push(signedIn);
    await settle();
    expect(agent.requests('lottery.entries')).toHaveLength(2);
  });

  it('does not begin a visit with the end of the previous one (its printer notice), but with the agent’s next push', () => {
    const agent = new ScriptedAgent();
    agent.push({ ...signedIn, stage: 'inactive', receiptPrinterReady: false, refusal: { code: 'invalid_credentials', attemptsLeft: 1 } });
    const store = new Store();
    new LotteryController(agent, store, { finish: () => undefined }, () => 'ja').start();
    expect(store.data.agent).toBeNull();
    agent.push({ ...signedIn, stage: 'awaiting-card', receiptPrinterReady: true });
    expect(store.data.agent).toMatchObject({ stage: 'awaiting-card', receiptPrinterReady: true, refusal: null });
    // A visit's own state is taken at once (the screen reopened while the agent is mid-sign-in).
    const again = new Store();
    new LotteryController(agent, again, { finish: () => undefined }, () => 'ja').start();
    expect(again.data.agent).toMatchObject({ stage: 'awaiting-card' });
  });

  it('passes PIN keys straight to the agent, keeping none', async () => {
    const { agent, store, controller } = setup();
    agent.answer('lottery.pin.press', () => ({ ok: true }));
    controller.key('7');
    await settle();
    expect(agent.requests('lottery.pin.press')).toEqual([{ key: '7' }]);
    expect(JSON.stringify(store.data)).not.toContain('"7"');
  });

  it('loads the facilities and the lottery clock, then a month of a facility; a tapped open slot becomes the 1st, then the 2nd choice', async () => {
    const { agent, store, controller } = setup();
    agent.push(signedIn);
    controller.openFacilities('enter');
    expect(store.data.busy).toBe(true);
    await settle();
    expect(shownScreen(store.data)).toBe('facilities');
    expect(store.data.busy).toBe(false);
    expect(store.data.facilities.map((f) => f.facilityId)).toEqual(['gym-1', 'gym-2']);
    expect(store.data.lotteryNow?.toISOString()).toBe('2026-12-07T01:00:00.000Z');

    controller.openCalendar(store.data.facilities[0] as FacilityView, '2027-02');
    expect(store.data.loadedMonth).toBeNull();
    await settle();
    expect(agent.requests('lottery.availability')).toEqual([{ facilityId: 'gym-1', month: '2027-02' }]);
    expect(store.data.loadedMonth).toBe('2027-02');
    controller.pickDay('2027-02-13');
    const [nine, eleven, one] = store.data.slots as [SlotView, SlotView, SlotView];
    controller.tapSlot(nine);
    controller.tapSlot(one); // open for booking, not for the lottery: not a choice
    controller.tapSlot(eleven);
    expect(store.data.choices).toEqual({ first: nine.slotId, second: eleven.slotId });
    controller.tapSlot(nine);
    expect(store.data.choices).toEqual({ first: eleven.slotId, second: null });
    expect(store.data.seenSlots.get(eleven.slotId)?.end).toBe('13:00');
  });

  it('submits the entry in the session’s language and shows what the agent took, choices cleared', async () => {
    const { agent, store, controller, speak } = setup();
    agent.push(signedIn);
    controller.openFacilities('enter');
    await settle();
    controller.openCalendar(store.data.facilities[0] as FacilityView, '2027-02');
    await settle();
    controller.tapSlot(store.data.slots[0] as SlotView);
    controller.go('review-entry');
    agent.answer('lottery.entry.submit', () => ({
      ok: true,
      outcome: {
        kind: 'accepted',
        entry: {
          entryId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
          entryNumber: '0000000042',
          clientEntryId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
          roundId: 'toyonaka-gym-2027-02',
          firstSlotId: 'gym-1-arena@2027-02-13T0900',
          secondSlotId: null,
          status: 'active',
          channel: 'online',
          occurredAt: AS_OF,
          acceptedAt: AS_OF,
          result: 'pending',
          wonSlotId: null,
          confirmation: 'none',
          confirmBy: null,
        },
      },
      receipt: { printed: true, language: 'en' },
    }));
    speak('en');
    controller.submitEntry();
    await settle();
    expect(agent.requests('lottery.entry.submit')).toEqual([{ firstSlotId: 'gym-1-arena@2027-02-13T0900', language: 'en' }]);
    expect(shownScreen(store.data)).toBe('done');
    expect(store.data.done?.kind).toBe('entry');
    expect(store.data.choices).toEqual({ first: null, second: null });
  });

  it('a booking someone else took first: back to the same day, reloaded, with the reason', async () => {
    const { agent, store, controller } = setup();
    agent.push(signedIn);
    controller.openFacilities('book');
    await settle();
    controller.openCalendar(store.data.facilities[0] as FacilityView, '2027-02');
    await settle();
    controller.pickDay('2027-02-13');
    controller.tapSlot(store.data.slots[2] as SlotView);
    expect(shownScreen(store.data)).toBe('review-booking');
    agent.answer('lottery.booking.create', () => ({ ok: false, error: { code: 'slot_unavailable', message: 'taken' } }));
    controller.submitBooking();
    await settle();
    await settle();
    expect(shownScreen(store.data)).toBe('calendar');
    expect(store.data.day).toBe('2027-02-13');
    expect(agent.requests('lottery.availability')).toHaveLength(2);
    expect(store.data.problem).not.toBeNull();
    expect(problemText(store.data.problem ?? { message: '' }, lotteryTranslator('en'))).toMatch(/Someone else booked this slot first/);
  });

  it('says "no information" for a month the terminal has no copy of offline, never "0 open"', async () => {
    const { agent, store, controller } = setup();
    agent.push({ ...signedIn, mode: 'offline' });
    agent.answer('lottery.availability', () => ({ ok: false, error: { code: 'hub_unreachable', message: 'offline' } }));
    controller.openCalendar(facility(1), '2027-03');
    await settle();
    expect(store.data.noInfoMonth).toBe('2027-03');
    expect(store.data.loadedMonth).toBeNull();
    expect(store.data.problem).toBeNull();
  });

  it('a request that fails outright shows its message and the screen is no longer busy', async () => {
    const { agent, store, controller } = setup();
    agent.push(signedIn);
    agent.answers.delete('lottery.bookings');
    controller.openBookings();
    await settle();
    expect(shownScreen(store.data)).toBe('bookings');
    expect(store.data.busy).toBe(false);
    expect(problemText(store.data.problem ?? { message: '' }, lotteryTranslator('en'))).toBe('Could not do this: lottery.bookings: not connected to the agent');
  });

  it('goes back one step from each screen and turns pages, a new list or a new day from its first page', async () => {
    const { agent, store, controller } = setup({ facilities: 12 });
    agent.push(signedIn);
    controller.openFacilities('enter');
    await settle();
    controller.turnPage('facilities', 1);
    expect(store.data.pages.facilities).toBe(1);
    controller.openCalendar(store.data.facilities[9] as FacilityView, '2027-02');
    await settle();
    controller.turnPage('weeks', 1);
    controller.pickDay('2027-02-13');
    controller.turnPage('slots', 1);
    controller.pickDay('2027-02-14');
    // The picked day's week shows (February 2027's third week), its slots from the first page.
    expect(store.data.pages).toEqual({ facilities: 1, weeks: 2, slots: 0, entries: 0, bookings: 0 });
    controller.go('review-entry');
    controller.back();
    expect(shownScreen(store.data)).toBe('calendar');
    controller.back();
    expect(shownScreen(store.data)).toBe('facilities');
    // Back on the list: the page the facility was on.
    expect(store.data.pages.facilities).toBe(1);
    controller.back();
    expect(shownScreen(store.data)).toBe('menu');
    controller.openFacilities('book');
    expect(store.data.pages).toEqual({ facilities: 0, weeks: 0, slots: 0, entries: 0, bookings: 0 });
    // My entries: reloaded after a decision on page 2 it stays there; opened again from the menu, page 1.
    controller.back();
    controller.back();
    controller.openEntries();
    controller.turnPage('entries', 1);
    controller.openEntries();
    expect(store.data.pages.entries).toBe(1);
    controller.back();
    controller.openEntries();
    expect(store.data.pages.entries).toBe(0);
    await settle();
  });

  it('signs out through the agent and hands the kiosk back', async () => {
    const { agent, controller, finished } = setup();
    agent.push(signedIn);
    agent.answer('lottery.signOut', () => ({ ok: true }));
    controller.signOut();
    await settle();
    expect(agent.requests('lottery.signOut')).toHaveLength(1);
    expect(finished).toEqual(['finish']);
  });

  it('stops following the agent once disposed', () => {
    const { agent, store, controller } = setup();
    controller.dispose();
    agent.push(signedIn);
    expect(shownScreen(store.data)).toBe('sign-in');
  });
});
