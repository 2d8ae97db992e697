import { encodeCommand } from '../apdu/command';
import { CardArgumentError } from '../errors';
import { computeDigitalSignature, JpkiFile, jpkiCommandName, readBinary, selectEf, selectJpkiApplication, verifyPin, verifyStatus } from './commands';

const bytes = (command: Parameters<typeof encodeCommand>[0]): string => encodeCommand(command).toString('hex').toUpperCase();

describe('JPKI commands', () => {
  it('selects the JPKI application by its AID', () => {
    expect(bytes(selectJpkiApplication())).toBe('00A4040C0AD392F000260100000001');
  });

  it('selects the user-authentication files', () => {
    expect(bytes(selectEf(JpkiFile.authCertificate))).toBe('00A4020C02000A');
    expect(bytes(selectEf(JpkiFile.authPrivateKey))).toBe('00A4020C020017');
    expect(bytes(selectEf(JpkiFile.authPin))).toBe('00A4020C020018');
  });

  it('reads binary at a 15-bit offset', () => {
    expect(bytes(readBinary(0, 256))).toBe('00B0000000');
    expect(bytes(readBinary(0x0123, 4))).toBe('00B0012304');
    expect(bytes(readBinary(256, 1000))).toBe('00B00100' + '0003E8');
    expect(() => readBinary(0x8000, 1)).toThrow(CardArgumentError);
  });

  it('asks the PIN status without data and verifies with 4 digits, P2 80', () => {
    expect(bytes(verifyStatus())).toBe('00200080');
    const pin = Buffer.from('2580');
    const command = verifyPin(pin);
    expect(bytes(command)).toBe('002000800432353830');
    pin.fill(0);
    expect(command.data?.toString()).toBe('2580'); // the command owns its copy, wiped by its user
  });

  it('asks for a signature over a DigestInfo with Le 00', () => {
    const digestInfo = Buffer.alloc(51, 0x11);
    expect(bytes(computeDigitalSignature(digestInfo))).toBe('802A008033' + '11'.repeat(51) + '00');
  });

  it('names commands for logs without their data', () => {
    expect(jpkiCommandName(verifyPin(Buffer.from('2580')))).toBe('VERIFY');
    expect(jpkiCommandName(verifyStatus())).toBe('VERIFY (status)');
    expect(jpkiCommandName(selectEf(0x18))).toBe('SELECT EF 0018');
  });
});
