import { DeviceKindSchema, PanelPinKeySchema, type DeviceHealth } from '@kiosk/protocols';
import { LinkError } from '../shared/link-errors';
import { panelTranslator } from './i18n/index';
import {
  CommandRejectedError,
  devicesFor,
  healthTone,
  hopperSummary,
  normalizeBarcode,
  outcomeText,
  parseScanInput,
  PIN_PAD_ROWS,
  PIN_PAD_SIDE_KEY,
  printedAtText,
  SECTION_KINDS,
  toFailure,
} from './panel-model';

const since = '2026-11-26T01:00:00.000Z';
function health(deviceId: string, kind: DeviceHealth['kind'], status: DeviceHealth['status'] = 'ok'): DeviceHealth {
  return { deviceId, kind, status, reasons: [], since };
}

describe('sections and health badges', () => {
  it('gives every device kind exactly one section', () => {
    const placed = Object.values(SECTION_KINDS).flat().sort();
    expect(placed).toEqual([...DeviceKindSchema.options].sort());
  });

  it('puts each device under its section, acceptor before hopper, then by id', () => {
    const devices = [
      health('hopper-b', 'coin-hopper'),
      health('printer', 'receipt-printer'),
      health('hopper-a', 'coin-hopper'),
      health('acceptor', 'coin-acceptor'),
    ];
    expect(devicesFor(devices, 'coins').map((d) => d.deviceId)).toEqual(['acceptor', 'hopper-a', 'hopper-b']);
    expect(devicesFor(devices, 'receipt').map((d) => d.deviceId)).toEqual(['printer']);
    expect(devicesFor(devices, 'pinpad')).toEqual([]);
  });

  it('shows a missing device as an error', () => {
    expect(healthTone('missing')).toBe('error');
    expect(healthTone('warning')).toBe('warning');
    expect(healthTone('ok')).toBe('ok');
  });
});

describe('PIN pad layout', () => {
  it('has every key of the protocol exactly once', () => {
    const keys = [...PIN_PAD_ROWS.flat(), PIN_PAD_SIDE_KEY].sort();
    expect(keys).toEqual([...PanelPinKeySchema.options].sort());
  });
});

describe('scan input', () => {
  it.each([
    ['12345678', '12345678'],
    [' 1234 5678 ', '12345678'],
    ['1234-5678', '12345678'],
    ['１２３４５６７８', '12345678'],
    ['１２３４－５６７８', '12345678'],
  ])('accepts %j as %s', (input, barcode) => {
    expect(parseScanInput(input)).toEqual({ ok: true, barcode });
  });

  it.each(['', '1234567', '123456789', '1234567a', '一二三四五六七八', '12.345678', '٣٤٥٦٧٨٩٠'])('refuses %j', (input) => {
    expect(parseScanInput(input)).toEqual({ ok: false });
  });

  it('normalizes without validating', () => {
    expect(normalizeBarcode('０１ー２')).toBe('012');
  });
});

describe('hopper', () => {
  it('lists coins largest first with their total', () => {
    const summary = hopperSummary({
      empty: false,
      coins: [
        { coinYen: 10, count: 7 },
        { coinYen: 500, count: 1 },
        { coinYen: 100, count: 3 },
      ],
    });
    expect(summary.coins.map((c) => c.coinYen)).toEqual([500, 100, 10]);
    expect(summary.totalYen).toBe(870);
  });
});

describe('outcomes', () => {
  const ja = panelTranslator('ja');
  const en = panelTranslator('en');

  it('tells link failures apart', () => {
    expect(toFailure(new LinkError('disconnected', 'x'))).toEqual({ kind: 'disconnected' });
    expect(toFailure(new LinkError('timeout', 'x'))).toEqual({ kind: 'timeout' });
    expect(toFailure(new LinkError('malformed', 'x'))).toEqual({ kind: 'malformed' });
    expect(toFailure(new Error('boom'))).toEqual({ kind: 'unexpected' });
    const error = { code: 'not_found' as const, message: 'no card "x" in this demo' };
    expect(toFailure(new CommandRejectedError('panel.card.insert', error))).toEqual({ kind: 'rejected', error });
  });

  it('shows the agent’s refusal with its code and message', () => {
    const outcome = {
      seq: 1,
      command: 'panel.card.insert' as const,
      ok: false as const,
      failure: { kind: 'rejected' as const, error: { code: 'not_found' as const, message: 'unknown card' } },
    };
    expect(outcomeText(en, outcome)).toBe('Insert card failed. The agent refused (not_found: unknown card).');
    expect(outcomeText(ja, outcome)).toBe('カードの挿入：できませんでした。エージェントが受け付けませんでした（not_found：unknown card）。');
  });

  it('never repeats the key or number that was sent', () => {
    const ok = outcomeText(en, { seq: 2, command: 'panel.pinpad.press', ok: true });
    expect(ok).toBe('PIN pad key: sent.');
    const bad = outcomeText(en, { seq: 3, command: 'panel.scanner.scan', ok: false, failure: { kind: 'invalid-barcode' } });
    expect(bad).toBe('Scan barcode failed. Enter the user number as 8 digits.');
  });
});

describe('print times', () => {
  it('are shown in Japan time', () => {
    expect(printedAtText('ja', '2026-11-26T15:04:05Z')).toBe('2026/11/27 00:04:05');
    expect(printedAtText('en', '2026-11-26T15:04:05Z')).toBe('27/11/2026, 00:04:05');
  });

  it('leave an unreadable instant as it came', () => {
    expect(printedAtText('en', 'yesterday')).toBe('yesterday');
  });
});
