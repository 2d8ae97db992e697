import { MalformedResponseError } from '../errors';
import { encodeResponse, exactLengthHint, moreDataAvailable, parseResponse } from './response';

describe('parseResponse', () => {
  it('splits the data from SW1 SW2', () => {
    const response = parseResponse(Buffer.from('0102039000', 'hex'));
    expect(response.data).toEqual(Buffer.from([1, 2, 3]));
    expect(response).toMatchObject({ sw1: 0x90, sw2: 0x00, sw: 0x9000 });
    expect(parseResponse(Buffer.from('63C2', 'hex'))).toMatchObject({ sw: 0x63c2, data: Buffer.alloc(0) });
  });

  it('rejects a response without a whole status word', () => {
    expect(() => parseResponse(Buffer.alloc(0))).toThrow(MalformedResponseError);
    expect(() => parseResponse(Buffer.from([0x90]))).toThrow(MalformedResponseError);
  });

  it('reads 61xx and 6Cxx lengths, 00 meaning 256', () => {
    expect(moreDataAvailable(parseResponse(Buffer.from('6110', 'hex')))).toBe(16);
    expect(moreDataAvailable(parseResponse(Buffer.from('6100', 'hex')))).toBe(256);
    expect(moreDataAvailable(parseResponse(Buffer.from('9000', 'hex')))).toBeNull();
    expect(exactLengthHint(parseResponse(Buffer.from('6C05', 'hex')))).toBe(5);
    expect(exactLengthHint(parseResponse(Buffer.from('6C00', 'hex')))).toBe(256);
    expect(exactLengthHint(parseResponse(Buffer.from('6A82', 'hex')))).toBeNull();
  });

  it('encodes what it parses', () => {
    expect(encodeResponse(Buffer.from([9]), 0x6282).toString('hex')).toBe('096282');
  });
});
