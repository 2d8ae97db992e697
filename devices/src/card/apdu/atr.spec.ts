import { MalformedResponseError } from '../errors';
import { buildAtr, parseAtr } from './atr';

function withTck(hex: string): Buffer {
  const atr = Buffer.from(hex, 'hex');
  return Buffer.concat([atr, Buffer.from([atr.subarray(1).reduce((x, b) => x ^ b, 0)])]);
}

describe('parseAtr', () => {
  it('reads the virtual card ATR, with and without extended length', () => {
    expect(parseAtr(buildAtr(true))).toEqual({ protocols: [1], historicalBytes: Buffer.from('8073802140', 'hex'), extendedLength: true });
    expect(parseAtr(buildAtr(false)).extendedLength).toBe(false);
  });

  it('reads common real ATRs', () => {
    // A T=0 card with no historical bytes.
    expect(parseAtr(Buffer.from('3B00', 'hex'))).toEqual({ protocols: [0], historicalBytes: Buffer.alloc(0), extendedLength: false });
    // A T=1 card with TA1/TB1/TC1/TD1, TD2 and compact-TLV card capabilities that offer extended length.
    expect(parseAtr(withTck('3BF81300008131FE45' + '8073C00140' + '000000'))).toMatchObject({ protocols: [1], extendedLength: true });
    // T=0 and T=1 offered; category 00 historical bytes (objects, then 3 status bytes) without capabilities.
    expect(parseAtr(withTck('3B8A8001' + '00000000000000900000'))).toMatchObject({ protocols: [0, 1], extendedLength: false });
    // Proprietary historical bytes (category FF) say nothing about extended length.
    expect(parseAtr(Buffer.from('3B02FF40', 'hex'))).toMatchObject({ protocols: [0], extendedLength: false });
  });

  it('rejects broken ATRs', () => {
    for (const bad of ['', '3B', '3C00', '3B05AA', '3B8501807380214097', '3B850180738021409600', '3B80']) {
      expect(() => parseAtr(Buffer.from(bad, 'hex'))).toThrow(MalformedResponseError);
    }
  });
});
