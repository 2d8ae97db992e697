import {
  CERTIFICATE_SCREENS,
  CertificateViewStateSchema,
  CertificatesPinKeySchema,
  CertificatesQuoteAckSchema,
  CertificatesQuoteSchema,
  OutboxEventSchema,
  agentToUiSchemas,
  uiToAgentCertificateSchemas,
} from './index';

describe('kiosk UI ⇄ agent certificate messages', () => {
  const order = { options: { type: 'juminhyo', scope: 'household', includeDomicile: false, includeRelationship: true }, copies: 2 };
  const quote = { order, certificateType: 'juminhyo', nameJa: '住民票の写し', nameEn: 'Certificate of residence (copy)', unitFeeYen: 200, copies: 2, feeYen: 400 };

  it.each([
    { screen: 'idle' },
    { screen: 'checking' },
    { screen: 'unavailable', problems: [{ kind: 'service-closed', reason: 'after-hours', reopensAt: '2026-12-06T06:30:00+09:00' }, { kind: 'hub-unreachable' }] },
    { screen: 'unavailable', problems: [{ kind: 'device', device: 'document-printer', status: 'error', reasons: ['media-empty'] }] },
    { screen: 'insert-card' },
    { screen: 'pin', digitsEntered: 3, pinLength: 4, triesLeft: null, wrongLength: false },
    { screen: 'pin', digitsEntered: 0, pinLength: 4, triesLeft: 2, wrongLength: false },
    { screen: 'card-locked', resetAt: 'municipal-office', municipality: '豊中市' },
    { screen: 'card-refused', reason: 'revoked' },
    { screen: 'choose', municipality: '豊中市', household: [], menu: [], refusal: { certificateType: 'inkan', reason: 'no-seal-registration' } },
    { screen: 'confirm', quote },
    { screen: 'pay', quote, insertedYen: 100, acceptedCoins: [10, 50, 100, 500], exactAmountOnly: false },
    { screen: 'pay', quote, insertedYen: 0, acceptedCoins: [10, 50, 100], exactAmountOnly: true },
    { screen: 'printing', copies: 2, stage: 'certificate' },
    { screen: 'take-certificate', copies: 2, changeYen: 100, unpaidChangeYen: 0, voucherPrinted: false, receiptPrinted: true },
    { screen: 'take-certificate', copies: 1, changeYen: 60, unpaidChangeYen: 240, voucherPrinted: true, receiptPrinted: true },
    { screen: 'refunded', amountYen: 400, hopperYen: 300, voucherYen: 100, method: 'voucher', reason: 'print-failed' },
    { screen: 'error', code: 'hub-unreachable', message: 'the centre cannot be reached' },
  ])('accepts the $screen screen', (state) => {
    expect(CertificateViewStateSchema.parse(state)).toEqual(state);
  });

  it.each([
    ['an unknown screen', { screen: 'welcome' }],
    ['a PIN screen with the digits themselves', { screen: 'pin', digitsEntered: 2, pinLength: 4, triesLeft: null, wrongLength: false, pin: '12' }],
    ['an empty list of problems', { screen: 'unavailable', problems: [] }],
    ['a negative credit', { screen: 'pay', quote, insertedYen: -10, acceptedCoins: [10], exactAmountOnly: false }],
    ['a pay screen that takes no coin at all', { screen: 'pay', quote, insertedYen: 0, acceptedCoins: [], exactAmountOnly: true }],
    ['a coin that does not exist', { screen: 'pay', quote, insertedYen: 0, acceptedCoins: [5], exactAmountOnly: true }],
    ['an unknown error code', { screen: 'error', code: 'oops', message: 'x' }],
    ['a card left behind that names its owner', { screen: 'card-left-behind', nameJa: '豊中 花子' }],
  ])('refuses %s', (_what, state) => {
    expect(CertificateViewStateSchema.safeParse(state).success).toBe(false);
  });

  it('names every screen once', () => {
    expect(new Set(CERTIFICATE_SCREENS).size).toBe(CERTIFICATE_SCREENS.length);
    expect(CERTIFICATE_SCREENS).toEqual(expect.arrayContaining(['pin', 'pay', 'take-certificate', 'refunded', 'done']));
  });

  it('takes one pad key at a time, never a PIN', () => {
    expect(CertificatesPinKeySchema.safeParse({ type: 'digit', digit: 7 }).success).toBe(true);
    expect(CertificatesPinKeySchema.safeParse({ type: 'enter' }).success).toBe(true);
    expect(CertificatesPinKeySchema.safeParse({ type: 'digit', digit: 10 }).success).toBe(false);
    expect(CertificatesPinKeySchema.safeParse({ type: 'digit', digit: 1, pin: '1234' }).success).toBe(false);
    expect(CertificatesPinKeySchema.safeParse({ type: 'pin', value: '1234' }).success).toBe(false);
  });

  it('quotes well-formed orders only, and acks fees or certificate refusals', () => {
    expect(CertificatesQuoteSchema.safeParse({ order }).success).toBe(true);
    expect(CertificatesQuoteSchema.safeParse({ order: { ...order, copies: 11 } }).success).toBe(false);
    expect(CertificatesQuoteAckSchema.safeParse({ ok: true, unitFeeYen: 200, copies: 2, feeYen: 400 }).success).toBe(true);
    expect(CertificatesQuoteAckSchema.safeParse({ ok: false, error: { code: 'no-seal-registration', message: 'x' } }).success).toBe(true);
  });

  it('has a schema for every command with a payload and for the pushed state', () => {
    expect(Object.keys(uiToAgentCertificateSchemas).sort()).toEqual(
      ['certificates.back', 'certificates.cancel', 'certificates.confirm', 'certificates.finish', 'certificates.pinKey', 'certificates.quote', 'certificates.start'].sort(),
    );
    expect(agentToUiSchemas['certificates.state']).toBe(CertificateViewStateSchema);
  });

  it('records a wiped session with ids and counts only', () => {
    const event = {
      id: '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6b',
      kioskId: 'kiosk-001',
      seq: 1,
      occurredAt: '2026-12-05T10:00:00Z',
      type: 'session.wiped',
      payload: { sessionId: '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6c', service: 'certificates', reason: 'done', printJobsPurged: 1 },
    };
    expect(OutboxEventSchema.safeParse(event).success).toBe(true);
    expect(OutboxEventSchema.safeParse({ ...event, payload: { ...event.payload, residentName: '豊中 花子' } }).success).toBe(false);
  });
});
