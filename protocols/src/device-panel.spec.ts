import {
  agentToPanelSchemas,
  DevicePanelStateSchema,
  PanelCommandAckSchema,
  PanelPinKeySchema,
  panelToAgentSchemas,
  parseMessage,
  type DevicePanelState,
} from './index';

const since = '2026-11-26T01:00:00.000Z';

const state: DevicePanelState = {
  devices: [
    { deviceId: 'virtual-card-reader', kind: 'card-reader', status: 'ok', reasons: [], since },
    { deviceId: 'virtual-receipt-printer', kind: 'receipt-printer', status: 'warning', reasons: ['paper-near-end'], since },
  ],
  receiptPrinter: { paper: 'near-end', cover: 'closed', jam: false },
  coinAcceptor: { coinJam: false, cashBoxCount: 12 },
  hopper: { empty: false, coins: [{ coinYen: 10, count: 40 }, { coinYen: 100, count: 20 }] },
  insertedCard: { cardId: 'resident-1', label: 'テスト 太郎 (test resident 1)' },
  cards: [
    { cardId: 'resident-1', label: 'テスト 太郎 (test resident 1)', kind: 'my-number' },
    { cardId: 'plain-ic', label: 'IC card without JPKI (test)', kind: 'not-my-number' },
  ],
  barcodePresets: [{ barcode: '00000001', label: 'デモ利用者 1 (demo user 1)' }],
  receipts: [{ printedAt: since, text: '豊中市\n領収書\n200円' }],
  documents: [{ printedAt: since, jobId: 42, pages: 1, inTray: true }],
};

describe('device panel state', () => {
  it('accepts a well-formed state and the empty slot', () => {
    expect(DevicePanelStateSchema.parse(state)).toEqual(state);
    expect(agentToPanelSchemas['panel.state'].safeParse({ ...state, insertedCard: null }).success).toBe(true);
  });

  it.each([
    ['a card in the slot that is not listed', { ...state, insertedCard: { cardId: 'stranger', label: 'x' } }],
    ['two cards with one id', { ...state, cards: [...state.cards, { ...state.cards[0], kind: 'not-my-number' }] }],
    ['a card id unfit for a test id', { ...state, cards: [{ cardId: 'Resident 1', label: 'x', kind: 'my-number' }], insertedCard: null }],
    ['an unknown card kind', { ...state, cards: [{ ...state.cards[0], kind: 'driver-licence' }] }],
    ['an unknown paper state', { ...state, receiptPrinter: { ...state.receiptPrinter, paper: 'low' } }],
    ['a missing jam flag', { ...state, receiptPrinter: { paper: 'ok', cover: 'closed' } }],
    ['a negative cash box count', { ...state, coinAcceptor: { coinJam: false, cashBoxCount: -1 } }],
    ['a hopper coin that does not exist', { ...state, hopper: { empty: false, coins: [{ coinYen: 5, count: 1 }] } }],
    ['a denomination listed twice', { ...state, hopper: { empty: false, coins: [{ coinYen: 10, count: 1 }, { coinYen: 10, count: 2 }] } }],
    ['eleven receipts', { ...state, receipts: Array(11).fill(state.receipts[0]) }],
    ['a receipt time without offset', { ...state, receipts: [{ printedAt: '2026-11-26T01:00:00', text: 'x' }] }],
    ['a document with zero pages', { ...state, documents: [{ printedAt: since, jobId: 1, pages: 0, inTray: false }] }],
    ['a document without its tray flag', { ...state, documents: [{ printedAt: since, jobId: 1, pages: 1 }] }],
    ['a preset that is not 8 digits', { ...state, barcodePresets: [{ barcode: '1234567', label: 'x' }] }],
    ['a malformed device health', { ...state, devices: [{ ...state.devices[0], status: 'fine' }] }],
    ['an unknown field', { ...state, pin: '1234' }],
    ['a missing section', { ...state, hopper: undefined }],
  ])('rejects %s', (_what, input) => {
    expect(DevicePanelStateSchema.safeParse(input).success).toBe(false);
  });
});

describe('device panel commands', () => {
  it.each([
    ['panel.coin.insert', { coinYen: 500 }],
    ['panel.printer.set', { paper: 'out' }],
    ['panel.printer.set', { cover: 'open', jam: true }],
    ['panel.coin.set', { coinJam: false }],
    ['panel.hopper.set', { empty: true }],
    ['panel.hopper.set', { coins: [{ coinYen: 10, count: 6 }, { coinYen: 100, count: 0 }] }],
    ['panel.hopper.set', { held: true }],
    ['panel.card.insert', { cardId: 'resident-1' }],
    ['panel.card.remove', {}],
    ['panel.card.set', { answersHeld: true }],
    ['panel.card.set', { answersHeld: false, unreadable: true }],
    ['panel.scanner.scan', { barcode: '01234567' }],
    ['panel.pinpad.press', { key: '0' }],
    ['panel.pinpad.press', { key: 'cancel' }],
    ['panel.document.take', { jobId: 7 }],
  ] as const)('%s accepts %j', (name, payload) => {
    expect(panelToAgentSchemas[name].safeParse(payload).success).toBe(true);
  });

  it.each([
    ['panel.coin.insert', { coinYen: 1 }],
    ['panel.coin.insert', { coinYen: '100' }],
    ['panel.printer.set', {}],
    ['panel.printer.set', { paper: undefined }],
    ['panel.printer.set', { cover: 'ajar' }],
    ['panel.coin.set', {}],
    ['panel.coin.set', { coinJam: 1 }],
    ['panel.hopper.set', {}],
    ['panel.hopper.set', { empty: true, coins: [] }],
    ['panel.hopper.set', { coins: [{ coinYen: 10, count: 1 }, { coinYen: 10, count: 2 }] }],
    ['panel.hopper.set', { coins: [{ coinYen: 10, count: -1 }] }],
    ['panel.card.insert', {}],
    ['panel.card.insert', { cardId: '../resident-1' }],
    ['panel.card.remove', { cardId: 'resident-1' }],
    ['panel.card.set', {}],
    ['panel.card.set', { answersHeld: 'yes' }],
    ['panel.scanner.scan', { barcode: '1234567' }],
    ['panel.scanner.scan', { barcode: '123456789' }],
    ['panel.scanner.scan', { barcode: '１２３４５６７８' }],
    ['panel.scanner.scan', { barcode: 12345678 }],
    ['panel.pinpad.press', { key: '10' }],
    ['panel.pinpad.press', { key: 'ENTER' }],
    ['panel.pinpad.press', { keys: ['1', '2'] }],
    ['panel.document.take', {}],
    ['panel.document.take', { jobId: 0 }],
    ['panel.document.take', { jobId: '7' }],
    ['panel.document.take', { jobId: 7, file: '/etc/passwd' }],
  ] as const)('%s rejects %j', (name, payload) => {
    expect(panelToAgentSchemas[name].safeParse(payload).success).toBe(false);
  });

  it('has a schema for every command and the 13 keys of the pad', () => {
    expect(Object.keys(panelToAgentSchemas).sort()).toEqual([
      'panel.card.insert',
      'panel.card.remove',
      'panel.card.set',
      'panel.coin.insert',
      'panel.coin.set',
      'panel.document.take',
      'panel.hopper.set',
      'panel.pinpad.press',
      'panel.printer.set',
      'panel.scanner.scan',
    ]);
    expect(PanelPinKeySchema.options).toHaveLength(13);
  });

  it('reports a wrong scan without echoing the number', () => {
    const result = parseMessage(panelToAgentSchemas['panel.scanner.scan'], { barcode: '9876543' }, 'panel.scanner.scan');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues?.[0]?.path).toBe('barcode');
    expect(JSON.stringify(result)).not.toContain('9876543');
  });

  it('acks with ok or a failure, nothing else', () => {
    expect(PanelCommandAckSchema.safeParse({ ok: true }).success).toBe(true);
    expect(PanelCommandAckSchema.safeParse({ ok: false, error: { code: 'not_found', message: 'no such card' } }).success).toBe(true);
    expect(PanelCommandAckSchema.safeParse({ ok: false }).success).toBe(false);
    expect(PanelCommandAckSchema.safeParse({ ok: true, extra: 1 }).success).toBe(false);
  });
});
