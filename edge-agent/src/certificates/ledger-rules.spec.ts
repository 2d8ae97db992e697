import { LEDGER_EVENT_TYPES, TRANSACTION_STATES, ledgerTransition, type LedgerEvent, type LedgerEventType, type TransactionState } from './ledger-rules';

const EVENTS: Record<LedgerEventType, LedgerEvent> = {
  'fee-reached': { type: 'fee-reached' },
  cancel: { type: 'cancel' },
  issue: { type: 'issue', serial: '豊中-2026-000001' },
  print: { type: 'print' },
  refund: { type: 'refund', reason: 'print-failed' },
  'refund-settled': { type: 'refund-settled' },
  complete: { type: 'complete' },
};

/** Every legal (state, event) pair with where it leads; every pair not here must be refused. */
const LEGAL: ReadonlyArray<[TransactionState, LedgerEventType, TransactionState]> = [
  ['paying', 'fee-reached', 'paid'],
  ['paying', 'cancel', 'cancelled'],
  ['paid', 'issue', 'issued'],
  ['paid', 'refund', 'refunding'],
  ['issued', 'print', 'printed'],
  ['issued', 'refund', 'refunding'],
  ['printed', 'complete', 'completed'],
  // A refund a restart found unfinished is resumed (same reason kept by the caller).
  ['refunding', 'refund', 'refunding'],
  ['refunding', 'refund-settled', 'refunded'],
];

const ALL_PAIRS = TRANSACTION_STATES.flatMap((state) => LEDGER_EVENT_TYPES.map((event): [TransactionState, LedgerEventType] => [state, event]));

describe('the money ledger rule (every state × event)', () => {
  it('covers 8 states × 7 events', () => {
    expect(ALL_PAIRS).toHaveLength(56);
  });

  it.each(ALL_PAIRS)('%s + %s', (state, event) => {
    const legal = LEGAL.find(([from, on]) => from === state && on === event);
    const result = ledgerTransition(state, EVENTS[event]);
    if (legal) expect(result).toEqual({ ok: true, state: legal[2] });
    else expect(result).toEqual({ ok: false, refusal: { code: 'illegal_ledger_transition', from: state, event } });
  });

  it('never leaves a final state, never refunds a printed certificate, never cancels money once paid', () => {
    for (const final of ['completed', 'cancelled', 'refunded'] as const) {
      expect(LEDGER_EVENT_TYPES.filter((event) => ledgerTransition(final, EVENTS[event]).ok)).toEqual([]);
    }
    expect(ledgerTransition('printed', EVENTS.refund).ok).toBe(false);
    for (const paid of ['paid', 'issued', 'printed', 'refunding'] as const) expect(ledgerTransition(paid, EVENTS.cancel).ok).toBe(false);
  });
});
