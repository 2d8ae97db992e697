import { CARD_CHECK_FAILURES, CardAuthFailureReasonSchema, CardVerifyRequestSchema, LotteryCardRefusalSchema, LotteryCardSignInSchema } from './index';

const signed = { challenge: 'Q'.repeat(44), certificate: 'A'.repeat(200), signature: 'B'.repeat(344) };

describe('card authentication shared by certificates and lottery', () => {
  it('accepts the same signed challenge for certificate issuance and lottery sign-in', () => {
    expect(CardVerifyRequestSchema.parse(signed)).toEqual(signed);
    expect(LotteryCardSignInSchema.parse(signed)).toEqual(signed);
  });

  it('refuses a request with a missing signature or an extra field in both', () => {
    const { signature: _signature, ...unsigned } = signed;
    for (const schema of [CardVerifyRequestSchema, LotteryCardSignInSchema]) {
      expect(schema.safeParse(unsigned).success).toBe(false);
      expect(schema.safeParse({ ...signed, pin: '1234' }).success).toBe(false);
    }
  });

  it('lets each service report every card-check failure plus its own reason, and not the other service’s', () => {
    for (const reason of CARD_CHECK_FAILURES) {
      expect(CardAuthFailureReasonSchema.parse(reason)).toBe(reason);
      expect(LotteryCardRefusalSchema.parse(reason)).toBe(reason);
    }
    expect(CardAuthFailureReasonSchema.parse('unknown-resident')).toBe('unknown-resident');
    expect(LotteryCardRefusalSchema.parse('not-linked')).toBe('not-linked');
    expect(CardAuthFailureReasonSchema.safeParse('not-linked').success).toBe(false);
    expect(LotteryCardRefusalSchema.safeParse('unknown-resident').success).toBe(false);
  });
});
