import { generateKeyPairSync } from 'node:crypto';
import { parseAtr } from '../apdu/atr';
import { CardArgumentError } from '../errors';
import { VirtualJpkiCard } from './jpki-emulator';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const certificate = Buffer.concat([Buffer.from('308201F4', 'hex'), Buffer.alloc(0x1f4, 0x5a)]);

/** Sends hex APDUs in order and returns the hex answers. */
function run(card: VirtualJpkiCard, ...apdus: string[]): string[] {
  return apdus.map((apdu) => card.process(Buffer.from(apdu.replace(/ /g, ''), 'hex')).toString('hex').toUpperCase());
}

const SELECT_AP = '00A4040C0AD392F000260100000001';
const SELECT_CERT = '00A4020C02000A';
const SELECT_PIN = '00A4020C020018';
const SELECT_KEY = '00A4020C020017';

describe('VirtualJpkiCard', () => {
  it('needs its key material and a 4-digit PIN unless it is a card without JPKI', () => {
    expect(() => new VirtualJpkiCard({ certificate, privateKey, pin: '123' })).toThrow(CardArgumentError);
    expect(() => new VirtualJpkiCard({ pin: '1234' })).toThrow(CardArgumentError);
    expect(() => new VirtualJpkiCard({ jpki: false })).not.toThrow();
  });

  it('offers extended length in its ATR only when it honours it', () => {
    expect(parseAtr(new VirtualJpkiCard({ certificate, privateKey, pin: '2580' }).atr).extendedLength).toBe(true);
    const short = new VirtualJpkiCard({ certificate, privateKey, pin: '2580', extendedLength: false });
    expect(parseAtr(short.atr).extendedLength).toBe(false);
    expect(run(short, SELECT_AP, SELECT_CERT, '00B00000000400')).toEqual(['9000', '9000', '6700']);
  });

  it('keeps the files inside the JPKI application', () => {
    const card = new VirtualJpkiCard({ certificate, privateKey, pin: '2580' });
    expect(run(card, SELECT_CERT, '00B0000004')).toEqual(['6A82', '6986']);
    expect(run(card, '00A4040C0AD392F000260100000002', SELECT_AP, '00A4020C020099')).toEqual(['6A82', '9000', '6A82']);
    expect(run(new VirtualJpkiCard({ jpki: false }), SELECT_AP)).toEqual(['6A82']);
  });

  it('reads the certificate EF, padded with FF, with 6C xx or 62 82 past its end', () => {
    const card = new VirtualJpkiCard({ certificate, privateKey, pin: '2580', certificateFileSize: 0x300 });
    expect(run(card, SELECT_AP, SELECT_CERT, '00B0000004')).toEqual(['9000', '9000', '308201F49000']);
    expect(run(card, '00B002FE00')).toEqual(['6C02']);
    expect(run(card, '00B002FE02')).toEqual(['FFFF9000']);
    expect(run(card, '00B002FE000100')).toEqual(['FFFF6282']);
    expect(run(card, '00B0030001', '00B0800001', SELECT_PIN, '00B0000001')).toEqual(['6B00', '6A81', '9000', '6981']);
  });

  it('chains long answers behind 61 xx when configured to', () => {
    const card = new VirtualJpkiCard({ certificate, privateKey, pin: '2580', responseChunk: 3 });
    expect(run(card, SELECT_AP, SELECT_CERT, '00B0000005', '00C0000002')).toEqual(['9000', '9000', '3082016102', 'F45A9000']);
    expect(run(card, '00C0000002')).toEqual(['6985']); // nothing pending any more
  });

  it('counts PIN tries, locks at zero, and forgets a verified PIN on reset but not the counter', () => {
    const card = new VirtualJpkiCard({ certificate, privateKey, pin: '2580' });
    expect(run(card, SELECT_AP, SELECT_PIN, '00200080')).toEqual(['9000', '9000', '63C3']);
    expect(run(card, '002000800431313131', '00200080')).toEqual(['63C2', '63C2']);
    expect(run(card, '002000800432353830', '00200080')).toEqual(['9000', '9000']);
    card.reset();
    expect(run(card, SELECT_AP, SELECT_PIN, '00200080')).toEqual(['9000', '9000', '63C3']);
    expect(run(card, '002000800431313131', '002000800431313131', '002000800431313131')).toEqual(['63C2', '63C1', '63C0']);
    expect(run(card, '002000800432353830', '00200080')).toEqual(['6983', '6983']);
    card.reset();
    expect(run(card, SELECT_AP, SELECT_PIN, '002000800432353830')).toEqual(['9000', '9000', '6983']);
    expect(card.pinTriesLeft).toBe(0);
  });

  it('signs only with the key EF selected and the PIN verified', () => {
    const card = new VirtualJpkiCard({ certificate, privateKey, pin: '2580' });
    const sign = '802A008033' + '00'.repeat(51) + '00';
    expect(run(card, SELECT_AP, sign)).toEqual(['9000', '6985']);
    expect(run(card, SELECT_KEY, sign)).toEqual(['9000', '6982']);
    run(card, SELECT_PIN, '002000800432353830', SELECT_KEY);
    const [signature] = run(card, sign);
    expect(signature).toMatch(/^[0-9A-F]{512}9000$/);
    expect(run(card, '802A008033' + '00'.repeat(51) + '80')).toEqual(['6C00']);
    expect(run(card, '802A0080' + 'F6' + '00'.repeat(246) + '00')).toEqual(['6700']); // more than k - 11 bytes
  });

  it('keeps the application, the current EF and a verified PIN when a SELECT fails', () => {
    const card = new VirtualJpkiCard({ certificate, privateKey, pin: '2580' });
    run(card, SELECT_AP, SELECT_PIN, '002000800432353830', SELECT_KEY);
    // Other applications' AIDs (as OpenSC's drivers probe them), an unknown EF, a P2 asking for FCI.
    expect(run(card, '00A4040007627601FF00000000', '00A4040C07A000000079100000', '00A4020C020099', '00A40200020018', '00A4040C0AD392F000260100000001' + '00'))
      .toEqual(['6A86', '6A82', '6A82', '6A86', '9000']);
    run(card, SELECT_PIN, '002000800432353830', SELECT_KEY);
    expect(run(card, '00A4040C0AD392F000260100000002', '00A4020C020099', '00A4040C09D392F0002601000000')).toEqual(['6A82', '6A82', '6A82']);
    expect(run(card, '802A008033' + '00'.repeat(51) + '00')[0]).toMatch(/^[0-9A-F]{512}9000$/);
  });

  it('has the JPKI files a standard client reads: the CA certificates, the signing side closed', () => {
    const ca = Buffer.concat([Buffer.from('30820100', 'hex'), Buffer.alloc(0x100, 0xca)]);
    const card = new VirtualJpkiCard({ certificate, privateKey, pin: '2580', caCertificate: ca });
    expect(run(card, SELECT_AP, '00A4020C02000B', '00B0000004', '00A4020C020002', '00B0000004')).toEqual(['9000', '9000', '308201009000', '9000', '308201009000']);
    expect(run(card, '00A4020C020001', '00B0000004')).toEqual(['9000', '6982']);
    expect(run(card, '00A4020C02001B', '00200080', '0020008006313233343536', '0020008004313233')).toEqual(['9000', '63C5', '6984', '6700']);
    expect(run(card, SELECT_PIN, '002000800432353830', '00A4020C02001A', '802A008033' + '00'.repeat(51) + '00')).toEqual(['9000', '9000', '9000', '6982']);
  });

  it('opens the signing certificate and key with the signing password when one was issued', () => {
    const signing = { certificate: Buffer.concat([Buffer.from('30820010', 'hex'), Buffer.alloc(0x10, 0x51)]), privateKey, password: 'ABC123' };
    expect(() => new VirtualJpkiCard({ certificate, privateKey, pin: '2580', signing: { ...signing, password: 'abc' } })).toThrow(CardArgumentError);
    const card = new VirtualJpkiCard({ certificate, privateKey, pin: '2580', signing });
    expect(run(card, SELECT_AP, '00A4020C02001B', '0020008006414243313234', '00200080')).toEqual(['9000', '9000', '63C4', '63C4']);
    expect(run(card, '0020008006414243313233', '00A4020C020001', '00B0000004')).toEqual(['9000', '9000', '308200109000']);
    expect(run(card, '00A4020C02001A', '802A008033' + '00'.repeat(51) + '00')[1]).toMatch(/^[0-9A-F]{512}9000$/);
    expect(run(card, SELECT_KEY, '802A008033' + '00'.repeat(51) + '00')).toEqual(['9000', '6982']); // the auth PIN is separate
    expect(card.pinTriesLeft).toBe(3);
  });

  it('answers anything else with a status word, never an exception', () => {
    const card = new VirtualJpkiCard({ certificate, privateKey, pin: '2580' });
    expect(run(card, '00', '00CA000000', '902A0080', '80CA0000', '00A4010C00')).toEqual(['6700', '6D00', '6E00', '6D00', '6A86']);
  });
});
