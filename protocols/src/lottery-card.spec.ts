import { LotteryCardSignInAckSchema, LotteryCardSignInSchema, lotteryAgentToHubSchemas, lotteryHubAckSchemas } from './lottery';
import { LotteryUiStateSchema } from './ui-lottery';

describe('lottery sign-in with a linked My Number card (protocol)', () => {
  const request = { challenge: Buffer.alloc(32, 1).toString('base64'), certificate: Buffer.alloc(900, 2).toString('base64'), signature: Buffer.alloc(256, 3).toString('base64') };

  it('is part of the terminal-to-hub map, request and ack', () => {
    expect(lotteryAgentToHubSchemas['lottery.signInWithCard']).toBe(LotteryCardSignInSchema);
    expect(lotteryHubAckSchemas['lottery.cardChallenge'].safeParse({ ok: true, challenge: request.challenge, expiresAt: '2026-12-05T10:00:00+09:00' }).success).toBe(true);
  });

  it('takes a challenge, a certificate and a signature, and nothing else (no PIN)', () => {
    expect(LotteryCardSignInSchema.safeParse(request).success).toBe(true);
    expect(LotteryCardSignInSchema.safeParse({ ...request, pin: '1234' }).success).toBe(false);
    expect(LotteryCardSignInSchema.safeParse({ ...request, signature: 'not base64!' }).success).toBe(false);
  });

  it('says why a card was refused, with a known reason only', () => {
    const refused = { ok: false, error: { code: 'invalid_credentials', message: 'not linked' }, cardRefusal: 'not-linked' };
    expect(LotteryCardSignInAckSchema.safeParse(refused).success).toBe(true);
    expect(LotteryCardSignInAckSchema.safeParse({ ...refused, cardRefusal: 'unknown-resident' }).success).toBe(false);
  });

  it('lets the screen show the card PIN prompt with the tries left (JPKI: at most 3)', () => {
    const state = { stage: 'awaiting-card-pin', pinDigits: 0, cardHint: null, mode: null, user: null, refusal: null, offlineEntryAvailable: false, cardPinTriesLeft: 3 };
    expect(LotteryUiStateSchema.safeParse(state).success).toBe(true);
    expect(LotteryUiStateSchema.safeParse({ ...state, cardPinTriesLeft: 4 }).success).toBe(false);
    expect(LotteryUiStateSchema.safeParse({ ...state, refusal: { code: 'card_refused', cardRefusal: 'revoked' } }).success).toBe(true);
  });
});
