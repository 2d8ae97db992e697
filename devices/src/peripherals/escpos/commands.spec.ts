import { InvalidArgumentError, ReceiptEncodingError } from '../errors';
import { encodeReceipt, encodeReceiptText, escpos } from './commands';
import { renderEscPos } from './render';

describe('ESC/POS command builders', () => {
  it('builds the exact bytes of each command', () => {
    expect([...escpos.init()]).toEqual([0x1b, 0x40]);
    expect([...escpos.kanjiOn()]).toEqual([0x1c, 0x26]);
    expect([...escpos.shiftJis()]).toEqual([0x1c, 0x43, 1]);
    expect([...escpos.feed(3)]).toEqual([0x1b, 0x64, 3]);
    expect([...escpos.feed(999)]).toEqual([0x1b, 0x64, 255]);
    expect([...escpos.cut()]).toEqual([0x1d, 0x56, 66, 3]);
    expect([...escpos.realtimeStatus(4)]).toEqual([0x10, 0x04, 4]);
    expect([...escpos.processIdRequest('0042')]).toEqual([0x1d, 0x28, 0x48, 6, 0, 48, 48, 0x30, 0x30, 0x34, 0x32]);
    expect(() => escpos.processIdRequest('42')).toThrow(InvalidArgumentError);
    expect([...escpos.align('center')]).toEqual([0x1b, 0x61, 1]);
  });
});

describe('encodeReceiptText', () => {
  it('encodes Japanese as Shift_JIS and ¥ as 0x5C', () => {
    expect(encodeReceiptText('豊中市').toString('hex')).toBe('964c92868e73');
    expect(encodeReceiptText('¥200').toString('hex')).toBe('5c323030');
    expect(encodeReceiptText('ｶﾅ').toString('hex')).toBe('b6c5');
  });

  it.each([['\u001b@'], ['a\\b'], ['〜'], ['😀'], ['tab\there'], ['~']])('refuses %j', (text) => {
    expect(() => encodeReceiptText(text, 4)).toThrow(ReceiptEncodingError);
    try {
      encodeReceiptText(text, 4);
    } catch (error) {
      expect(error).toMatchObject({ code: 'receipt-encoding', lineIndex: 4 });
    }
  });
});

describe('encodeReceipt', () => {
  it('starts with init and kanji setup, ends with a cut, and renders back to the same text', () => {
    const bytes = encodeReceipt({
      lines: [
        { text: '豊中市役所 証明書コーナー', align: 'center', double: true },
        { feed: 1 },
        { text: '住民票の写し 1通   ¥200', bold: true },
        { text: 'Receipt No. 0042' },
      ],
    });
    expect([...bytes.subarray(0, 10)]).toEqual([0x1b, 0x40, 0x1b, 0x52, 8, 0x1c, 0x43, 1, 0x1c, 0x26]);
    expect([...bytes.subarray(-4)]).toEqual([0x1d, 0x56, 66, 3]);
    const rendered = renderEscPos(bytes);
    expect(rendered.receipts).toEqual(['豊中市役所 証明書コーナー\n\n住民票の写し 1通   ¥200\nReceipt No. 0042']);
    expect(rendered.pending).toBe('');
  });
});
