import { CertificateViewStateSchema, type CertificateQuoteView } from '@kiosk/protocols';
import { viewOf } from './flow-view';

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
    const view = viewOf({ kind: 'opening-payment', quote, insertedYen: 0 }, 0);
    expect(view.screen).not.toBe('pay');
    expect(view).toEqual({ screen: 'checking' });
    expect(viewOf({ kind: 'pay', quote, insertedYen: 0 }, 0)).toEqual({ screen: 'pay', quote, insertedYen: 0 });
  });

  it('asks for the card on a cancelled flow without any order or personal data, as the protocol allows', () => {
    const view = viewOf({ kind: 'ending-remove-card' }, 0);
    expect(view).toEqual({ screen: 'remove-card', quote: null });
    expect(CertificateViewStateSchema.parse(view)).toEqual(view);
    expect(CertificateViewStateSchema.parse(viewOf({ kind: 'remove-card', quote }, 0))).toEqual({ screen: 'remove-card', quote });
  });

  it('tells the next person about a card left behind, with nothing of its owner', () => {
    const view = viewOf({ kind: 'card-left-behind' }, 0);
    expect(CertificateViewStateSchema.parse(view)).toEqual({ screen: 'card-left-behind' });
  });

  it('names the coin acceptor when it could not be opened', () => {
    const view = viewOf({ kind: 'error', code: 'coin-acceptor', message: 'the coin acceptor could not be opened; no money was taken' }, 0);
    expect(CertificateViewStateSchema.parse(view)).toMatchObject({ screen: 'error', code: 'coin-acceptor' });
  });
});
