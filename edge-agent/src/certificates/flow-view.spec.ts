import { CertificateViewStateSchema, type CertificateQuoteView } from '@kiosk/protocols';
import { paymentOffer, viewOf } from './flow-view';

/** Every hopper can pay. */
const ALL = [100, 50, 10] as const;

const quote: CertificateQuoteView = {
  order: { options: { type: 'inkan' }, copies: 1 },
  certificateType: 'inkan',
  nameJa: '印鑑登録証明書',
  nameEn: 'Seal registration certificate',
  unitFeeYen: 200,
  copies: 1,
  feeYen: 200,
};

describe('viewOf', () => {
  it('does not ask for coins while the acceptor is still being opened', () => {
    const view = viewOf({ kind: 'opening-payment', quote, insertedYen: 0 }, 0, ALL);
    expect(view.screen).not.toBe('pay');
    expect(view).toEqual({ screen: 'checking' });
    expect(viewOf({ kind: 'pay', quote, insertedYen: 0 }, 0, ALL)).toEqual({ screen: 'pay', quote, insertedYen: 0, acceptedCoins: [10, 50, 100, 500], exactAmountOnly: false });
  });

  it('asks for the card on a cancelled flow without any order or personal data, as the protocol allows', () => {
    const view = viewOf({ kind: 'ending-remove-card' }, 0, ALL);
    expect(view).toEqual({ screen: 'remove-card', quote: null });
    expect(CertificateViewStateSchema.parse(view)).toEqual(view);
    expect(CertificateViewStateSchema.parse(viewOf({ kind: 'remove-card', quote }, 0, ALL))).toEqual({ screen: 'remove-card', quote });
  });

  it('tells the next person about a card left behind, with nothing of its owner', () => {
    const view = viewOf({ kind: 'card-left-behind' }, 0, ALL);
    expect(CertificateViewStateSchema.parse(view)).toEqual({ screen: 'card-left-behind' });
  });

  it('names the coin acceptor when it could not be opened', () => {
    const view = viewOf({ kind: 'error', code: 'coin-acceptor', message: 'the coin acceptor could not be opened; no money was taken' }, 0, ALL);
    expect(CertificateViewStateSchema.parse(view)).toMatchObject({ screen: 'error', code: 'coin-acceptor' });
  });

  it('hoppers empty: the pay screen asks for the exact amount and names the coins it still takes (no 500 for 200 yen)', () => {
    const view = viewOf({ kind: 'pay', quote, insertedYen: 0 }, 0, []);
    expect(CertificateViewStateSchema.parse(view)).toEqual({ screen: 'pay', quote, insertedYen: 0, acceptedCoins: [10, 50, 100], exactAmountOnly: true });
    // What the screen says is what the acceptor is set to.
    expect(paymentOffer({ kind: 'pay', quote, insertedYen: 0 }, [])).toEqual({ coins: [10, 50, 100], exactAmountOnly: true });
    expect(paymentOffer({ kind: 'opening-payment', quote, insertedYen: 150 }, [])).toEqual({ coins: [10, 50], exactAmountOnly: true });
    expect(paymentOffer({ kind: 'confirm', resident: { municipality: '豊中市', household: [], menu: [] }, quote }, [])).toBeNull();
  });

  it('change owed but not paid: the last screen carries what came out and what is owed, and whether a voucher covers it', () => {
    const view = viewOf({ kind: 'take-certificate', copies: 1, changeYen: 60, unpaidChangeYen: 240, voucherPrinted: true, receiptPrinted: true }, 0, []);
    expect(CertificateViewStateSchema.parse(view)).toEqual({ screen: 'take-certificate', copies: 1, changeYen: 60, unpaidChangeYen: 240, voucherPrinted: true, receiptPrinted: true });
  });
});
