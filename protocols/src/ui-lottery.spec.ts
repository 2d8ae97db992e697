import {
  LotteryPinPressSchema,
  LotteryUiEntrySubmitAckSchema,
  LotteryUiFailureSchema,
  LotteryUiStateSchema,
  agentToUiSchemas,
  lotteryAgentUiAckSchemas,
  lotteryUiToAgentSchemas,
} from './index';

const signedOut = {
  stage: 'awaiting-pin',
  pinDigits: 3,
  cardHint: '08',
  mode: null,
  user: null,
  refusal: { code: 'invalid_credentials', attemptsLeft: 2 },
  offlineEntryAvailable: true,
};

describe('UI ↔ agent lottery protocol', () => {
  it('has a request schema and an ack schema for every request', () => {
    expect(Object.keys(lotteryUiToAgentSchemas).sort()).toEqual(Object.keys(lotteryAgentUiAckSchemas).sort());
    expect(agentToUiSchemas['lottery.state']).toBe(LotteryUiStateSchema);
  });

  it('carries PIN keys one at a time and never a PIN', () => {
    expect(LotteryPinPressSchema.safeParse({ key: '7' }).success).toBe(true);
    expect(LotteryPinPressSchema.safeParse({ key: 'enter' }).success).toBe(true);
    expect(LotteryPinPressSchema.safeParse({ key: '1234' }).success).toBe(false);
    expect(LotteryPinPressSchema.safeParse({ key: '7', pin: '1234' }).success).toBe(false);
  });

  it('tells the screen the count of digits and a card hint, never the user number', () => {
    expect(LotteryUiStateSchema.parse(signedOut)).toEqual(signedOut);
    expect(LotteryUiStateSchema.safeParse({ ...signedOut, userNumber: '10000008' }).success).toBe(false);
    expect(LotteryUiStateSchema.safeParse({ ...signedOut, cardHint: '10000008' }).success).toBe(false);
    expect(LotteryUiStateSchema.safeParse({ ...signedOut, pinDigits: 9 }).success).toBe(false);
  });

  it('refuses with the hub codes and the terminal’s own', () => {
    expect(LotteryUiFailureSchema.safeParse({ ok: false, error: { code: 'hub_unreachable', message: 'x' } }).success).toBe(true);
    expect(LotteryUiFailureSchema.safeParse({ ok: false, error: { code: 'cap_exceeded', message: 'x' } }).success).toBe(true);
    expect(LotteryUiFailureSchema.safeParse({ ok: false, error: { code: 'nope', message: 'x' } }).success).toBe(false);
  });

  it('answers an entry as accepted by the hub or provisional', () => {
    const provisional = {
      ok: true,
      outcome: {
        kind: 'provisional',
        entry: {
          clientEntryId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
          roundId: 'toyonaka-tennis-2027-02',
          firstSlotId: 'toyonaka-nobata-tennis-c1@2027-02-09T0900',
          secondSlotId: null,
          occurredAt: '2026-12-05T01:00:00.000Z',
        },
      },
      receipt: { printed: false, problem: 'paper out' },
    };
    expect(LotteryUiEntrySubmitAckSchema.safeParse(provisional).success).toBe(true);
    expect(LotteryUiEntrySubmitAckSchema.safeParse({ ...provisional, outcome: { ...provisional.outcome, kind: 'accepted' } }).success).toBe(false);
    expect(lotteryUiToAgentSchemas['lottery.entry.submit'].safeParse({ firstSlotId: 'bad' }).success).toBe(false);
    expect(lotteryUiToAgentSchemas['lottery.availability'].safeParse({ facilityId: 'toyonaka-nobata', month: '2027-13' }).success).toBe(false);
  });
});
