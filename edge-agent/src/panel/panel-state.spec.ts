import type { PanelInputs } from './panel-state';
import { buildPanelState } from './panel-state';
import { DEMO_BARCODE_PRESETS, FOREIGN_CARD, panelCards } from './virtual-cards';

const cards = panelCards([
  { id: 'toyonaka-001', nameJa: '豊中 花子', revoked: false },
  { id: 'toyonaka-004', nameJa: '庄内 健', revoked: true },
]);

const inputs: PanelInputs = {
  devices: [{ deviceId: 'receipt-printer', kind: 'receipt-printer', status: 'ok', reasons: [], since: '2026-11-26T01:00:00.000Z' }],
  printer: { paper: 'ok', coverOpen: false, jam: false },
  coins: { coinJam: false, cashBoxCount: 0 },
  hopper: { empty: false, coins: [{ coinYen: 10, count: 100 }] },
  insertedCard: null,
  cards,
  barcodePresets: DEMO_BARCODE_PRESETS,
  receipts: [],
  documents: [],
};

describe('panel cards', () => {
  it('lists the residents by synthetic name, marks the revoked one, and adds the foreign card', () => {
    expect(cards).toEqual([
      { cardId: 'toyonaka-001', label: '豊中 花子（テスト住民1）', kind: 'my-number' },
      { cardId: 'toyonaka-004', label: '庄内 健（テスト住民2・失効）', kind: 'my-number' },
      FOREIGN_CARD,
    ]);
  });

  it('offers demo user numbers with a valid check digit', () => {
    for (const { barcode } of DEMO_BARCODE_PRESETS) {
      // Luhn over all 8 digits (the last is the check digit) sums to a multiple of 10.
      const sum = [...barcode].reverse().reduce((total, char, index) => {
        const doubled = index % 2 === 1 ? Number(char) * 2 : Number(char);
        return total + (doubled > 9 ? doubled - 9 : doubled);
      }, 0);
      expect(sum % 10).toBe(0);
    }
  });
});

describe('buildPanelState', () => {
  it('maps the printer and keeps the newest ten receipts first, marking one never cut', () => {
    const receipts = Array.from({ length: 12 }, (_, i) => ({ at: `2026-11-26T01:00:${String(i).padStart(2, '0')}.000Z`, text: `receipt ${i}`, cut: i !== 11 }));
    const state = buildPanelState({ ...inputs, printer: { paper: 'out', coverOpen: true, jam: false }, receipts });
    expect(state.receiptPrinter).toEqual({ paper: 'out', cover: 'open', jam: false });
    expect(state.receipts).toHaveLength(10);
    expect(state.receipts[0]?.text).toMatch(/^receipt 11\n.*not cut/);
    expect(state.receipts[1]).toEqual({ printedAt: '2026-11-26T01:00:10.000Z', text: 'receipt 10' });
    expect(state.receipts[9]?.text).toBe('receipt 2');
  });

  it('refuses a state the protocol would refuse (a card in the slot that is not listed)', () => {
    expect(() => buildPanelState({ ...inputs, insertedCard: { cardId: 'stranger', label: 'x' } })).toThrow();
  });
});
