import { CardArgumentError, MalformedResponseError } from '../errors';
import { exchange, type RawTransmit } from './exchange';

/** A scripted card: answers each raw command with the next response, and records what it was sent. */
function scripted(responses: string[]): { raw: RawTransmit; sent: string[] } {
  const sent: string[] = [];
  const queue = [...responses];
  return {
    sent,
    raw: (command) => {
      sent.push(command.toString('hex').toUpperCase());
      const next = queue.shift();
      if (next === undefined) throw new Error('unexpected command');
      return Promise.resolve(Buffer.from(next, 'hex'));
    },
  };
}

const readBinary = { cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 256 };

describe('exchange', () => {
  it('passes a plain answer through', async () => {
    const card = scripted(['AABB9000']);
    const response = await exchange(card.raw, readBinary, { extendedLength: false });
    expect(response.data.toString('hex')).toBe('aabb');
    expect(response.sw).toBe(0x9000);
    expect(card.sent).toEqual(['00B0000000']);
  });

  it('fetches 61xx remainders with GET RESPONSE and joins them', async () => {
    const card = scripted(['01026103', '0304056102', '06079000']);
    const response = await exchange(card.raw, readBinary, { extendedLength: false });
    expect(response.data.toString('hex')).toBe('01020304050607');
    expect(response.sw).toBe(0x9000);
    expect(card.sent).toEqual(['00B0000000', '00C0000003', '00C0000002']);
  });

  it('sends the command again with the exact Le after 6Cxx, once', async () => {
    const card = scripted(['6C05', '01020304059000']);
    const response = await exchange(card.raw, readBinary, { extendedLength: false });
    expect(response.data.length).toBe(5);
    expect(card.sent).toEqual(['00B0000000', '00B0000005']);
  });

  it('handles 6Cxx on a GET RESPONSE too', async () => {
    const card = scripted(['AA6100', '6C02', 'BBCC9000']);
    const response = await exchange(card.raw, readBinary, { extendedLength: false });
    expect(response.data.toString('hex')).toBe('aabbcc');
    expect(card.sent).toEqual(['00B0000000', '00C0000000', '00C0000002']);
  });

  it('treats a second 6Cxx in a row, or 6Cxx to a command without Le, as malformed', async () => {
    await expect(exchange(scripted(['6C05', '6C04']).raw, readBinary, { extendedLength: false })).rejects.toThrow(MalformedResponseError);
    await expect(exchange(scripted(['6C05']).raw, { cla: 0, ins: 0x20, p1: 0, p2: 0x80 }, { extendedLength: false })).rejects.toThrow(
      MalformedResponseError,
    );
  });

  it('gives up on a card that says 61xx forever', async () => {
    const raw: RawTransmit = () => Promise.resolve(Buffer.from('AA6101', 'hex'));
    await expect(exchange(raw, readBinary, { extendedLength: false, maxChainedResponses: 50 })).rejects.toThrow(MalformedResponseError);
  });

  it('refuses an extended command for a card without extended length, before sending anything', async () => {
    const card = scripted([]);
    await expect(exchange(card.raw, { ...readBinary, ne: 1000 }, { extendedLength: false })).rejects.toThrow(CardArgumentError);
    expect(card.sent).toEqual([]);
    const extended = scripted(['9000']);
    await exchange(extended.raw, { ...readBinary, ne: 1000 }, { extendedLength: true });
    expect(extended.sent).toEqual(['00B000000003E8']);
  });

  it('wipes the encoded command once it is sent (a VERIFY carries the PIN)', async () => {
    let seen: Buffer | null = null;
    const raw: RawTransmit = (command) => {
      seen = command;
      return Promise.resolve(Buffer.from('9000', 'hex'));
    };
    await exchange(raw, { cla: 0, ins: 0x20, p1: 0, p2: 0x80, data: Buffer.from('2580') }, { extendedLength: false });
    expect(seen).not.toBeNull();
    expect(seen!.every((byte) => byte === 0)).toBe(true);
  });
});
