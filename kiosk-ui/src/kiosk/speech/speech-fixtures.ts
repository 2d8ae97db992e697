import { CertificateViewStateSchema, type CertificateViewState } from '@kiosk/protocols';

/** A resident whose data sits in the view states below: none of it may ever be spoken. */
export const RESIDENT = {
  nameJa: '豊中 花子',
  nameEn: 'Hanako Toyonaka',
  spouse: '豊中 太郎',
  address: '大阪府豊中市中桜塚3丁目1-1',
  municipality: '豊中市',
  pin: '4821',
} as const;

const quote = {
  order: { options: { type: 'juminhyo', scope: 'household', includeDomicile: true, includeRelationship: true }, copies: 2 },
  certificateType: 'juminhyo',
  nameJa: '住民票の写し',
  nameEn: 'Certificate of residence',
  unitFeeYen: 200,
  copies: 2,
  feeYen: 400,
} as const;

/** One state per certificate screen (through the real schema), personal data wherever a state can carry it. */
export const SPEECH_STATES: readonly CertificateViewState[] = [
  { screen: 'idle' },
  { screen: 'checking' },
  { screen: 'unavailable', problems: [{ kind: 'service-closed', reason: 'after-hours', reopensAt: '2026-12-01T21:30:00.000Z' }, { kind: 'device', device: 'document-printer', status: 'error', reasons: ['paper-end'] }] },
  { screen: 'insert-card' },
  { screen: 'reading-card' },
  { screen: 'not-a-my-number-card' },
  { screen: 'card-trouble', trouble: 'card-removed' },
  { screen: 'pin', digitsEntered: 3, pinLength: 4, triesLeft: 2, wrongLength: false },
  { screen: 'card-locked', resetAt: 'municipal-office', municipality: RESIDENT.municipality },
  { screen: 'verifying' },
  { screen: 'card-refused', reason: 'revoked' },
  {
    screen: 'choose',
    municipality: RESIDENT.municipality,
    household: [
      { memberId: 'm-self', nameJa: RESIDENT.nameJa, relationship: '世帯主', self: true },
      { memberId: 'm-spouse', nameJa: RESIDENT.spouse, relationship: '夫', self: false },
    ],
    menu: [
      { type: 'juminhyo', nameJa: '住民票の写し', nameEn: 'Certificate of residence', unitFeeYen: 200, available: true },
      { type: 'inkan', nameJa: '印鑑登録証明書', nameEn: 'Seal registration certificate', unitFeeYen: 200, available: false, refusal: 'no-seal-registration' },
      { type: 'koseki', nameJa: '戸籍証明書', nameEn: 'Family register', unitFeeYen: 350, available: true, registerMembers: [{ memberId: 'r-self', nameJa: RESIDENT.nameJa }] },
    ],
    refusal: { certificateType: 'inkan', reason: 'no-seal-registration' },
  },
  { screen: 'confirm', quote },
  { screen: 'remove-card', quote },
  { screen: 'card-left-behind' },
  { screen: 'pay', quote, insertedYen: 100, acceptedCoins: [10, 50, 100, 500], exactAmountOnly: true },
  { screen: 'returning-coins', amountYen: 100 },
  { screen: 'cancelled', returnedYen: 100, unreturnedYen: 0 },
  { screen: 'paying-change', changeYen: 100 },
  { screen: 'issuing', copies: 2 },
  { screen: 'printing', copies: 2, stage: 'certificate' },
  { screen: 'take-certificate', copies: 2, changeYen: 100, unpaidChangeYen: 50, voucherPrinted: true, receiptPrinted: true },
  { screen: 'refunding', amountYen: 400, reason: 'print-failed' },
  { screen: 'refunded', amountYen: 400, hopperYen: 300, voucherYen: 100, method: 'voucher', reason: 'print-failed' },
  { screen: 'done' },
  { screen: 'error', code: 'internal', message: `${RESIDENT.nameJa} ${RESIDENT.address}` },
].map((state) => CertificateViewStateSchema.parse(state));
