import type { CertificateQuoteView } from '@kiosk/protocols';
import { holdsMoney, transition, type FlowEvent, type FlowEventType, type FlowState, type FlowStateKind, type ResidentContext } from './flow-machine';

const resident: ResidentContext = { municipality: '豊中市', household: [], menu: [] };
const quote: CertificateQuoteView = {
  order: { options: { type: 'juminhyo', scope: 'household', includeDomicile: false, includeRelationship: true }, copies: 2 },
  certificateType: 'juminhyo',
  nameJa: '住民票の写し',
  nameEn: 'Certificate of residence (copy)',
  unitFeeYen: 200,
  copies: 2,
  feeYen: 400,
};
const m = '豊中市';

/** One representative of every state. */
const STATES: Record<FlowStateKind, FlowState> = {
  idle: { kind: 'idle' },
  checking: { kind: 'checking' },
  unavailable: { kind: 'unavailable', problems: [{ kind: 'hub-unreachable' }] },
  'insert-card': { kind: 'insert-card', municipality: m },
  'reading-card': { kind: 'reading-card', municipality: m },
  'not-a-my-number-card': { kind: 'not-a-my-number-card', municipality: m },
  'card-trouble': { kind: 'card-trouble', municipality: m, trouble: 'card-removed' },
  pin: { kind: 'pin', municipality: m, triesLeft: null, wrongLength: false },
  verifying: { kind: 'verifying', municipality: m },
  'card-locked': { kind: 'card-locked', municipality: m },
  'card-refused': { kind: 'card-refused', reason: 'revoked' },
  choose: { kind: 'choose', resident, refusal: null, quoting: true },
  confirm: { kind: 'confirm', resident, quote },
  'remove-card': { kind: 'remove-card', quote },
  'opening-payment': { kind: 'opening-payment', quote, insertedYen: 0 },
  pay: { kind: 'pay', quote, insertedYen: 100 },
  'ending-remove-card': { kind: 'ending-remove-card' },
  'card-left-behind': { kind: 'card-left-behind' },
  'returning-coins': { kind: 'returning-coins', amountYen: 100 },
  cancelled: { kind: 'cancelled', returnedYen: 100, unreturnedYen: 0 },
  'paying-change': { kind: 'paying-change', quote, changeYen: 100 },
  issuing: { kind: 'issuing', quote, changeYen: 100, unpaidChangeYen: 0 },
  printing: { kind: 'printing', quote, changeYen: 100, unpaidChangeYen: 0, stage: 'certificate' },
  'take-certificate': { kind: 'take-certificate', copies: 2, changeYen: 100, unpaidChangeYen: 0, voucherPrinted: false, receiptPrinted: true },
  refunding: { kind: 'refunding', amountYen: 400, reason: 'print-failed' },
  refunded: { kind: 'refunded', amountYen: 400, hopperYen: 400, voucherYen: 0, reason: 'print-failed' },
  done: { kind: 'done' },
  error: { kind: 'error', code: 'hub-unreachable', message: 'x' },
};

/** One representative of every event. */
const EVENTS: Record<FlowEventType, FlowEvent> = {
  start: { type: 'start' },
  'preflight-passed': { type: 'preflight-passed', municipality: m, cardPresent: false },
  'preflight-failed': { type: 'preflight-failed', problems: [{ kind: 'hub-unreachable' }] },
  'card-inserted': { type: 'card-inserted' },
  'card-removed': { type: 'card-removed' },
  'card-read': { type: 'card-read', triesLeft: 3 },
  'card-not-my-number': { type: 'card-not-my-number' },
  'card-trouble': { type: 'card-trouble', trouble: 'card-unreadable' },
  'pin-entered': { type: 'pin-entered', digits: 4 },
  'pin-wrong': { type: 'pin-wrong', triesLeft: 2 },
  'pin-locked': { type: 'pin-locked' },
  'card-verified': { type: 'card-verified', resident },
  'card-refused': { type: 'card-refused', reason: 'revoked' },
  'quote-requested': { type: 'quote-requested', order: quote.order },
  quoted: { type: 'quoted', quote },
  'quote-refused': { type: 'quote-refused', certificateType: 'inkan', reason: 'no-seal-registration' },
  back: { type: 'back' },
  confirm: { type: 'confirm', cardPresent: true },
  'payment-opened': { type: 'payment-opened' },
  'payment-unavailable': { type: 'payment-unavailable' },
  'payment-closed': { type: 'payment-closed', reason: 'after-hours', reopensAt: '2026-12-08T06:30:00+09:00' },
  credit: { type: 'credit', insertedYen: 200 },
  cancel: { type: 'cancel', cardPresent: false },
  'session-ended': { type: 'session-ended', cardPresent: false },
  'coins-returned': { type: 'coins-returned', returnedYen: 100, unreturnedYen: 0 },
  'change-paid': { type: 'change-paid', unpaidYen: 0 },
  issued: { type: 'issued' },
  'issue-failed': { type: 'issue-failed' },
  'certificate-printed': { type: 'certificate-printed' },
  'print-failed': { type: 'print-failed' },
  'receipt-done': { type: 'receipt-done', printed: true, changePaidYen: 100, changeUnpaidYen: 0, voucherPrinted: true },
  'refund-done': { type: 'refund-done', hopperYen: 400, voucherYen: 0 },
  failed: { type: 'failed', code: 'hub-unreachable', message: 'lost' },
  finish: { type: 'finish', cardPresent: false },
  wiped: { type: 'wiped' },
};

/** Every allowed (state, event) pair and the state it leads to; every other pair must be refused. */
const ALLOWED: Partial<Record<FlowStateKind, Partial<Record<FlowEventType, FlowStateKind>>>> = {
  idle: { start: 'checking' },
  done: { start: 'checking' },
  checking: { 'preflight-passed': 'insert-card', 'preflight-failed': 'unavailable', cancel: 'done', 'session-ended': 'done', failed: 'error', 'card-removed': 'checking' },
  unavailable: { finish: 'done', cancel: 'done', 'session-ended': 'done', failed: 'error', 'card-removed': 'unavailable' },
  'insert-card': { 'card-inserted': 'reading-card', 'card-removed': 'insert-card', cancel: 'done', 'session-ended': 'done', failed: 'error' },
  'reading-card': {
    'card-read': 'pin',
    'card-not-my-number': 'not-a-my-number-card',
    'card-trouble': 'card-trouble',
    'pin-locked': 'card-locked',
    'card-removed': 'reading-card',
    cancel: 'done',
    'session-ended': 'done',
    failed: 'error',
  },
  'not-a-my-number-card': { 'card-removed': 'insert-card', cancel: 'done', 'session-ended': 'done', failed: 'error' },
  'card-trouble': { 'card-removed': 'insert-card', cancel: 'done', 'session-ended': 'done', failed: 'error' },
  pin: { 'pin-entered': 'verifying', 'card-removed': 'insert-card', cancel: 'done', 'session-ended': 'done', failed: 'error' },
  verifying: {
    'pin-wrong': 'pin',
    'pin-locked': 'card-locked',
    'card-verified': 'choose',
    'card-refused': 'card-refused',
    'card-trouble': 'card-trouble',
    'card-removed': 'verifying',
    cancel: 'done',
    'session-ended': 'done',
    failed: 'error',
  },
  'card-locked': { finish: 'done', cancel: 'done', 'session-ended': 'done', failed: 'error', 'card-removed': 'card-locked' },
  'card-refused': { finish: 'done', cancel: 'done', 'session-ended': 'done', failed: 'error', 'card-removed': 'card-refused' },
  choose: { quoted: 'confirm', 'quote-refused': 'choose', cancel: 'done', 'session-ended': 'done', failed: 'error', 'card-removed': 'choose' },
  confirm: { back: 'choose', 'quote-requested': 'choose', confirm: 'remove-card', cancel: 'done', 'session-ended': 'done', failed: 'error', 'card-removed': 'confirm' },
  'remove-card': { 'card-removed': 'opening-payment', cancel: 'done', 'session-ended': 'done', failed: 'error' },
  'opening-payment': {
    'payment-opened': 'pay',
    'payment-unavailable': 'error',
    'payment-closed': 'unavailable',
    credit: 'opening-payment',
    cancel: 'done',
    'session-ended': 'done',
    'card-removed': 'opening-payment',
  },
  'ending-remove-card': { 'card-removed': 'done', cancel: 'ending-remove-card', 'session-ended': 'ending-remove-card', start: 'card-left-behind' },
  'card-left-behind': { 'card-removed': 'checking', cancel: 'done', 'session-ended': 'done', failed: 'error' },
  pay: { credit: 'pay', cancel: 'returning-coins', 'session-ended': 'returning-coins', 'card-removed': 'pay' },
  'returning-coins': { 'coins-returned': 'cancelled', 'card-removed': 'returning-coins' },
  cancelled: { finish: 'done', 'session-ended': 'done', 'card-removed': 'cancelled' },
  'paying-change': { 'change-paid': 'issuing', 'card-removed': 'paying-change' },
  issuing: { issued: 'printing', 'issue-failed': 'refunding', 'card-removed': 'issuing' },
  printing: { 'certificate-printed': 'printing', 'print-failed': 'refunding', 'card-removed': 'printing' },
  'take-certificate': { finish: 'done', 'session-ended': 'done', 'card-removed': 'take-certificate' },
  refunding: { 'refund-done': 'refunded', 'card-removed': 'refunding' },
  refunded: { finish: 'done', 'session-ended': 'done', 'card-removed': 'refunded' },
  error: { finish: 'done', cancel: 'done', 'session-ended': 'done', 'card-removed': 'error' },
};

describe('certificate flow machine: every state × every event', () => {
  const pairs = (Object.keys(STATES) as FlowStateKind[]).flatMap((state) => (Object.keys(EVENTS) as FlowEventType[]).map((event) => [state, event] as const));

  it.each(pairs)('%s + %s', (stateKind, eventType) => {
    const result = transition(STATES[stateKind], EVENTS[eventType]);
    const expected = ALLOWED[stateKind]?.[eventType];
    if (expected === undefined) {
      expect(result).toEqual({ ok: false, reason: `${eventType} is not possible on ${stateKind}` });
    } else {
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.state.kind).toBe(expected);
    }
  });

  it('lists only real states and events in its table', () => {
    for (const [state, events] of Object.entries(ALLOWED)) {
      expect(STATES).toHaveProperty(state);
      for (const event of Object.keys(events ?? {})) expect(EVENTS).toHaveProperty(event);
    }
  });
});

describe('certificate flow machine: the rules', () => {
  const step = (state: FlowState, event: FlowEvent) => {
    const result = transition(state, event);
    if (!result.ok) throw new Error(result.reason);
    return result;
  };

  it('checks before any card or money, and reads a card that is already in', () => {
    expect(step(STATES.idle, EVENTS.start).effects).toEqual([{ kind: 'run-preflight' }]);
    const present = step(STATES.checking, { type: 'preflight-passed', municipality: m, cardPresent: true });
    expect(present.state.kind).toBe('reading-card');
    expect(present.effects).toEqual([{ kind: 'read-card' }]);
  });

  it('shows tries left up front only when some were already spent', () => {
    expect(step(STATES['reading-card'], { type: 'card-read', triesLeft: 3 }).state).toMatchObject({ kind: 'pin', triesLeft: null });
    expect(step(STATES['reading-card'], { type: 'card-read', triesLeft: 1 }).state).toMatchObject({ kind: 'pin', triesLeft: 1 });
  });

  it('sends only a 4-digit PIN to the card; another length is cleared without spending a try', () => {
    const four = step(STATES.pin, { type: 'pin-entered', digits: 4 });
    expect(four.effects).toEqual([{ kind: 'authenticate-card' }]);
    const three = step(STATES.pin, { type: 'pin-entered', digits: 3 });
    expect(three.state).toMatchObject({ kind: 'pin', wrongLength: true });
    expect(three.effects).toEqual([{ kind: 'reset-pin' }]);
  });

  it('wrong PIN: back to the pad with tries left and the buffer cleared; locked: guidance', () => {
    const wrong = step(STATES.verifying, { type: 'pin-wrong', triesLeft: 1 });
    expect(wrong.state).toMatchObject({ kind: 'pin', triesLeft: 1, wrongLength: false });
    expect(wrong.effects).toEqual([{ kind: 'reset-pin' }]);
    expect(step(STATES.verifying, EVENTS['pin-locked']).state).toEqual({ kind: 'card-locked', municipality: m });
  });

  it('a quote refused for eligibility stays on choose and says why', () => {
    expect(step(STATES.choose, EVENTS['quote-refused']).state).toMatchObject({
      kind: 'choose',
      quoting: false,
      refusal: { certificateType: 'inkan', reason: 'no-seal-registration' },
    });
    expect(transition({ ...STATES.choose, quoting: false } as FlowState, EVENTS.quoted).ok).toBe(false);
  });

  it('card first: payment opens only once the reader is empty', () => {
    expect(step(STATES.confirm, { type: 'confirm', cardPresent: true }).effects).toEqual([]);
    const empty = step(STATES.confirm, { type: 'confirm', cardPresent: false });
    expect(empty.state).toEqual({ kind: 'opening-payment', quote, insertedYen: 0 });
    expect(empty.effects).toEqual([{ kind: 'open-payment', quote }]);
    expect(step(STATES['remove-card'], EVENTS['card-removed']).effects).toEqual([{ kind: 'open-payment', quote }]);
  });

  it('open before telling: `pay` only once the acceptor is open; if it cannot open, an error with nothing taken', () => {
    expect(step(STATES['opening-payment'], EVENTS['payment-opened'])).toEqual({ ok: true, state: { kind: 'pay', quote, insertedYen: 0 }, effects: [] });
    const failed = step(STATES['opening-payment'], EVENTS['payment-unavailable']);
    expect(failed.state).toMatchObject({ kind: 'error', code: 'coin-acceptor' });
    expect(failed.effects).toEqual([]);
    // A coin that slipped in while it was opening counts, and goes back if the payment cannot go on.
    const early = step(STATES['opening-payment'], { type: 'credit', insertedYen: 100 });
    expect(early.state).toEqual({ kind: 'opening-payment', quote, insertedYen: 100 });
    expect(step(early.state, EVENTS['payment-opened']).state).toEqual({ kind: 'pay', quote, insertedYen: 100 });
    expect(step(early.state, EVENTS['payment-unavailable']).effects).toEqual([{ kind: 'return-coins', amountYen: 100 }]);
    expect(step(early.state, { type: 'cancel', cardPresent: false }).effects).toEqual([{ kind: 'return-coins', amountYen: 100 }]);
  });

  it('closing time before the payment step: the service-closed screen, nothing opened; a coin that slipped in goes back', () => {
    const closed = step(STATES['opening-payment'], EVENTS['payment-closed']);
    expect(closed).toEqual({ ok: true, state: { kind: 'unavailable', problems: [{ kind: 'service-closed', reason: 'after-hours', reopensAt: '2026-12-08T06:30:00+09:00' }] }, effects: [] });
    const early = step(STATES['opening-payment'], { type: 'credit', insertedYen: 100 });
    expect(step(early.state, EVENTS['payment-closed']).effects).toEqual([{ kind: 'return-coins', amountYen: 100 }]);
  });

  it('card first on cancel: with the card in the reader, wipe now and end only once it is out', () => {
    for (const kind of ['insert-card', 'reading-card', 'not-a-my-number-card', 'card-trouble', 'pin', 'verifying', 'card-locked', 'card-refused', 'choose', 'confirm', 'remove-card', 'error'] as const) {
      for (const type of ['cancel', 'session-ended'] as const) {
        const ended = step(STATES[kind], { type, cardPresent: true });
        expect(ended.state).toEqual({ kind: 'ending-remove-card' });
        expect(ended.effects).toEqual([{ kind: 'reset-pin' }, { kind: 'wipe' }]);
      }
    }
    expect(step({ kind: 'pay', quote, insertedYen: 0 }, { type: 'cancel', cardPresent: true }).state).toEqual({ kind: 'ending-remove-card' });
    // Waiting for the card: cancel again or the session ending changes nothing; the card out ends it, wiped once.
    expect(step(STATES['ending-remove-card'], { type: 'cancel', cardPresent: true })).toEqual({ ok: true, state: { kind: 'ending-remove-card' }, effects: [] });
    expect(step(STATES['ending-remove-card'], { type: 'session-ended', cardPresent: true }).effects).toEqual([]);
    expect(step(STATES['ending-remove-card'], EVENTS['card-removed'])).toEqual({ ok: true, state: { kind: 'done' }, effects: [] });
  });

  it('card first on finish: every end screen with the card still in the reader waits for it, already wiped', () => {
    for (const kind of ['unavailable', 'card-locked', 'card-refused', 'cancelled', 'take-certificate', 'refunded', 'error'] as const) {
      const present = step(STATES[kind], { type: 'finish', cardPresent: true });
      expect(present.state).toEqual({ kind: 'ending-remove-card' });
      expect(present.effects).toContainEqual({ kind: 'wipe' });
      expect(step(STATES[kind], { type: 'finish', cardPresent: false }).state).toEqual({ kind: 'done' });
      // The person walking away from the end screen is the same as finish.
      expect(step(STATES[kind], { type: 'session-ended', cardPresent: true }).state).toEqual({ kind: 'ending-remove-card' });
    }
  });

  it('a card left behind: the next person is told (nothing personal), and their flow begins once the reader is empty', () => {
    const told = step(STATES['ending-remove-card'], EVENTS.start);
    expect(told).toEqual({ ok: true, state: { kind: 'card-left-behind' }, effects: [] });
    expect(step(told.state, EVENTS['card-removed'])).toEqual({ ok: true, state: { kind: 'checking' }, effects: [{ kind: 'run-preflight' }] });
    // Leaving instead: with the card still in, it is waited for again; nothing else may happen meanwhile.
    expect(step(told.state, { type: 'cancel', cardPresent: true }).state).toEqual({ kind: 'ending-remove-card' });
    expect(transition(told.state, EVENTS.start).ok).toBe(false);
    expect(transition(told.state, { type: 'finish', cardPresent: true }).ok).toBe(false);
  });

  it('credit: shown while short, change when over, straight to issue when exact; never goes down', () => {
    expect(step(STATES.pay, { type: 'credit', insertedYen: 300 }).state).toEqual({ kind: 'pay', quote, insertedYen: 300 });
    const over = step(STATES.pay, { type: 'credit', insertedYen: 600 });
    expect(over.state).toEqual({ kind: 'paying-change', quote, changeYen: 200 });
    expect(over.effects).toEqual([{ kind: 'pay-change', amountYen: 200 }]);
    const exact = step(STATES.pay, { type: 'credit', insertedYen: 400 });
    expect(exact.effects).toEqual([{ kind: 'issue', quote }]);
    expect(transition(STATES.pay, { type: 'credit', insertedYen: 50 }).ok).toBe(false);
  });

  it('cancel during payment returns exactly what was inserted; with nothing inserted it just ends (done, not cancelled)', () => {
    expect(step(STATES.pay, EVENTS.cancel).effects).toEqual([{ kind: 'return-coins', amountYen: 100 }]);
    const nothing = step({ kind: 'pay', quote, insertedYen: 0 }, EVENTS.cancel);
    expect(nothing.state).toEqual({ kind: 'done' });
    expect(nothing.effects).toContainEqual({ kind: 'wipe' });
    expect(step(STATES.choose, EVENTS.cancel).state).toEqual({ kind: 'done' });
  });

  it('credit while opening the payment: the same rules as on pay', () => {
    expect(step(STATES['opening-payment'], { type: 'credit', insertedYen: 400 }).effects).toEqual([{ kind: 'issue', quote }]);
    expect(holdsMoney(STATES['opening-payment'])).toBe(true);
  });

  it('after payment nothing aborts the flow: cancel and the session ending are refused', () => {
    for (const kind of ['paying-change', 'issuing', 'printing', 'refunding', 'returning-coins'] as const) {
      expect(transition(STATES[kind], EVENTS.cancel).ok).toBe(false);
      expect(transition(STATES[kind], EVENTS['session-ended']).ok).toBe(false);
      expect(holdsMoney(STATES[kind])).toBe(true);
    }
  });

  it('failure after payment refunds the fee, with the reason', () => {
    expect(step(STATES.issuing, EVENTS['issue-failed']).effects).toEqual([{ kind: 'refund', amountYen: 400, reason: 'issue-failed' }]);
    expect(step(STATES.printing, EVENTS['print-failed']).effects).toEqual([{ kind: 'refund', amountYen: 400, reason: 'print-failed' }]);
    expect(step(STATES.refunding, { type: 'refund-done', hopperYen: 300, voucherYen: 100 }).state).toMatchObject({ kind: 'refunded', hopperYen: 300, voucherYen: 100 });
  });

  it('prints the certificate, then the receipt, then reminds', () => {
    const printed = step(STATES.printing, EVENTS['certificate-printed']);
    expect(printed.state).toMatchObject({ kind: 'printing', stage: 'receipt' });
    expect(printed.effects).toEqual([{ kind: 'print-receipt', quote, changeYen: 100, unpaidChangeYen: 0 }]);
    expect(step(printed.state, { type: 'receipt-done', printed: false, changePaidYen: 100, changeUnpaidYen: 0, voucherPrinted: true }).state).toEqual({
      kind: 'take-certificate',
      copies: 2,
      changeYen: 100,
      unpaidChangeYen: 0,
      voucherPrinted: false,
      receiptPrinted: false,
    });
  });

  it('change the hopper could not pay is carried to the end as owed, never as change to take', () => {
    // 500 in for a 200-yen fee; the hopper pays 60 of the 300 yen change.
    const paying = step({ kind: 'pay', quote: { ...quote, copies: 1, feeYen: 200 }, insertedYen: 0 }, { type: 'credit', insertedYen: 500 });
    expect(paying.state).toMatchObject({ kind: 'paying-change', changeYen: 300 });
    const issuing = step(paying.state, { type: 'change-paid', unpaidYen: 240 });
    expect(issuing.state).toMatchObject({ kind: 'issuing', changeYen: 300, unpaidChangeYen: 240 });
    const printing = step(step(issuing.state, EVENTS.issued).state, EVENTS['certificate-printed']);
    // The receipt says what is owed: it is the voucher.
    expect(printing.effects).toEqual([{ kind: 'print-receipt', quote: { ...quote, copies: 1, feeYen: 200 }, changeYen: 300, unpaidChangeYen: 240 }]);
    const done = step(printing.state, { type: 'receipt-done', printed: true, changePaidYen: 60, changeUnpaidYen: 240, voucherPrinted: true });
    expect(done.state).toEqual({ kind: 'take-certificate', copies: 1, changeYen: 60, unpaidChangeYen: 240, voucherPrinted: true, receiptPrinted: true });
    // Nothing paid at all (hoppers empty): nothing to take from the tray, all of it owed.
    const none = step(step(step(step(paying.state, { type: 'change-paid', unpaidYen: 300 }).state, EVENTS.issued).state, EVENTS['certificate-printed']).state, {
      type: 'receipt-done',
      printed: false,
      changePaidYen: 0,
      changeUnpaidYen: 300,
      voucherPrinted: false,
    });
    expect(none.state).toEqual({ kind: 'take-certificate', copies: 1, changeYen: 0, unpaidChangeYen: 300, voucherPrinted: false, receiptPrinted: false });
  });

  it('every way out of a flow wipes', () => {
    for (const kind of ['take-certificate', 'refunded', 'cancelled', 'card-locked', 'error'] as const) {
      expect(step(STATES[kind], EVENTS.finish).effects).toContainEqual({ kind: 'wipe' });
    }
    expect(step(STATES.choose, EVENTS['session-ended']).effects).toContainEqual({ kind: 'wipe' });
  });
});
