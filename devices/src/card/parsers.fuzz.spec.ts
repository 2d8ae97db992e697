import { generateKeyPairSync } from 'node:crypto';
import { buildAtr, parseAtr } from './apdu/atr';
import { ApduChannel } from './apdu/channel';
import { encodeCommand, parseCommand } from './apdu/command';
import { exchange } from './apdu/exchange';
import { parseResponse } from './apdu/response';
import { CardError, MalformedCommandError, MalformedResponseError } from './errors';
import { computeDigitalSignature, readBinary, selectEf, selectJpkiApplication, verifyPin, verifyStatus } from './jpki/commands';
import { JpkiCard } from './jpki/jpki-card';
import { interpretPinStatus, parseDerHeader, parseSignature } from './jpki/responses';
import { parseHostEvent, parseHostRequest } from './pcsc/host-messages';
import { VirtualJpkiCard } from './virtual/jpki-emulator';
import { encodeVpcdFrame, VpcdFrameDecoder } from './virtual/vpcd-framing';

/**
 * Every parser of bytes from a card (or a link to one) meets 100,000 seeded random inputs: random bytes
 * and mutations of valid messages. Each must answer or throw its own typed error, nothing else: a
 * TypeError or RangeError escaping a parser is a bug the next strange card would find in production.
 */
const RUNS = 100_000;
// Module-scope copies: jest runs tests in a vm context, where every global lookup (Math, Buffer) is slow.
const { floor, imul } = Math;
const NodeBuffer = Buffer;

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = imul(state ^ (state >>> 15), 1 | state);
    t = (t + imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Fuzz {
  private readonly random: () => number;
  constructor(seed: number) {
    this.random = prng(seed);
  }
  int(max: number): number {
    return floor(this.random() * max);
  }
  bytes(maxLength: number): Buffer {
    const out = NodeBuffer.allocUnsafe(this.int(maxLength + 1));
    for (let i = 0; i < out.length; i += 1) out[i] = this.int(256);
    return out;
  }
  /** Truncate, flip, insert or append: the usual ways a message goes wrong. */
  mutate(valid: Buffer): Buffer {
    const copy = NodeBuffer.from(valid);
    switch (this.int(5)) {
      case 0:
        return copy.subarray(0, this.int(copy.length + 1));
      case 1:
        if (copy.length > 0) copy[this.int(copy.length)] = this.int(256);
        return copy;
      case 2:
        return NodeBuffer.concat([copy, this.bytes(8)]);
      case 3: {
        const at = this.int(copy.length + 1);
        return NodeBuffer.concat([copy.subarray(0, at), this.bytes(3), copy.subarray(at)]);
      }
      default:
        return this.bytes(Math.max(8, copy.length));
    }
  }
  input(valid: readonly Buffer[], maxRandom: number): Buffer {
    return this.int(3) === 0 ? this.bytes(maxRandom) : this.mutate(valid[this.int(valid.length)]!);
  }
}

interface Tally {
  ok: number;
  typed: number;
}

function fuzz(name: string, seed: number, typed: (error: unknown) => boolean, body: (f: Fuzz) => unknown): Tally {
  const f = new Fuzz(seed);
  const tally = { ok: 0, typed: 0 };
  for (let run = 0; run < RUNS; run += 1) {
    try {
      body(f);
      tally.ok += 1;
    } catch (error) {
      if (!typed(error)) throw new Error(`${name}: run ${run} threw ${String(error)}`);
      tally.typed += 1;
    }
  }
  return tally;
}

const malformedResponse = (error: unknown): boolean => error instanceof MalformedResponseError;

describe('parsers under 100,000 random inputs each', () => {
  // Jest raises the stack trace limit to 100; a deep stack captured for each of a million typed errors is
  // most of this suite's time. The errors' types are what is checked here, not their stacks.
  const stackTraceLimit = Error.stackTraceLimit;
  beforeAll(() => {
    Error.stackTraceLimit = 0;
  });
  afterAll(() => {
    Error.stackTraceLimit = stackTraceLimit;
  });

  it('parseCommand: a command or MalformedCommandError', () => {
    const valid = [selectJpkiApplication(), readBinary(10, 1000), verifyPin(Buffer.from('1234')), computeDigitalSignature(Buffer.alloc(51))].map(
      encodeCommand,
    );
    const tally = fuzz('parseCommand', 1, (e) => e instanceof MalformedCommandError, (f) => parseCommand(f.input(valid, 40)));
    expect(tally.ok).toBeGreaterThan(1000);
    expect(tally.typed).toBeGreaterThan(1000);
  });

  it('parseResponse, parseDerHeader, parseSignature: a value or MalformedResponseError', () => {
    const responses = [Buffer.from('9000', 'hex'), Buffer.from('308203759000', 'hex'), Buffer.from('6C05', 'hex')];
    expect(fuzz('parseResponse', 2, malformedResponse, (f) => parseResponse(f.input(responses, 6))).typed).toBeGreaterThan(100);
    const headers = [Buffer.from('30820375', 'hex'), Buffer.from('308181', 'hex'), Buffer.from('3005', 'hex')];
    const der = fuzz('parseDerHeader', 3, malformedResponse, (f) => parseDerHeader(f.input(headers, 6)));
    expect(der.ok).toBeGreaterThan(1000);
    expect(der.typed).toBeGreaterThan(1000);
    const signatures = [Buffer.alloc(256, 7)];
    const sig = fuzz('parseSignature', 4, malformedResponse, (f) => parseSignature(f.int(4) === 0 ? f.bytes(300) : f.mutate(signatures[0]!)));
    expect(sig.ok).toBeGreaterThan(1000);
  });

  it('interpretPinStatus: a status or MalformedResponseError', () => {
    const tally = fuzz('interpretPinStatus', 5, malformedResponse, (f) => {
      const pick = f.int(4);
      return interpretPinStatus(pick === 0 ? 0x63c0 | f.int(16) : pick === 1 ? f.int(0x20000) - 0x100 : pick === 2 ? f.int(0x10000) : f.int(0x10000) + 0.5);
    });
    expect(tally.ok).toBeGreaterThan(1000);
    expect(tally.typed).toBeGreaterThan(1000);
  });

  it('parseAtr: ATR facts or MalformedResponseError', () => {
    const valid = [buildAtr(true), buildAtr(false), Buffer.from('3B00', 'hex'), Buffer.from('3BF81300008131FE4580 73C00140000000'.replace(/ /g, ''), 'hex')];
    const tally = fuzz('parseAtr', 6, malformedResponse, (f) => parseAtr(f.input(valid, 36)));
    expect(tally.ok).toBeGreaterThan(1000);
    expect(tally.typed).toBeGreaterThan(1000);
  });

  it('VpcdFrameDecoder: messages or MalformedResponseError, however the stream is cut', () => {
    const stream = Buffer.concat([encodeVpcdFrame(Buffer.from([4])), encodeVpcdFrame(encodeCommand(readBinary(0, 256)))]);
    let decoder = new VpcdFrameDecoder();
    const tally = fuzz(
      'VpcdFrameDecoder',
      7,
      (e) => {
        decoder = new VpcdFrameDecoder(); // a broken link is closed; the next card gets a fresh decoder
        return malformedResponse(e);
      },
      (f) => decoder.push(f.input([stream, stream.subarray(0, 3), stream.subarray(3)], 12)),
    );
    expect(tally.ok).toBeGreaterThan(1000);
    expect(tally.typed).toBeGreaterThan(0); // only an empty frame is malformed at this layer
  });

  it('host messages: a message or MalformedResponseError', () => {
    const constants: unknown[] = [null, undefined, true, 'Virtual PCD 00 00', '', -1, 1.5, 2 ** 40, [], {}];
    const field = (f: Fuzz): unknown => {
      const pick = f.int(constants.length + 3);
      return pick < constants.length ? constants[pick] : pick === constants.length ? f.int(10) : f.bytes(6);
    };
    const types = ['service', 'reader-added', 'reader-removed', 'reader-status', 'reply', 'connect', 'transmit', 'disconnect', 'x'];
    const keys = ['type', 'id', 'ok', 'up', 'detail', 'pcscCode', 'reader', 'present', 'mute', 'atr', 'protocol', 'response', 'message', 'apdu', 'maxResponse', 'disposition'];
    const message = (f: Fuzz): unknown => {
      if (f.int(10) === 0) return field(f);
      const value: Record<string, unknown> = { type: types[f.int(types.length)] };
      for (const key of keys) if (f.int(2) === 0) value[key] = key === 'ok' || key === 'up' ? f.int(3) === 0 : field(f);
      if (f.int(2) === 0) value.disposition = ['leave', 'reset', 'unpower', 'eject'][f.int(4)];
      return value;
    };
    const events = fuzz('parseHostEvent', 8, malformedResponse, (f) => parseHostEvent(message(f)));
    const requests = fuzz('parseHostRequest', 9, malformedResponse, (f) => parseHostRequest(message(f)));
    expect(events.ok + requests.ok).toBeGreaterThan(100);
  });

  it('the virtual card answers every command with a status word and never throws', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const card = new VirtualJpkiCard({ certificate: Buffer.from('3003020101', 'hex'), privateKey, pin: '2580', responseChunk: 50 });
    const valid = [selectJpkiApplication(), selectEf(0x0a), selectEf(0x18), selectEf(0x17), readBinary(0, 256), verifyStatus(), verifyPin(Buffer.from('2580'))].map(
      encodeCommand,
    );
    const tally = fuzz('VirtualJpkiCard.process', 10, () => false, (f) => {
      if (f.int(500) === 0) card.reset();
      const answer = card.process(f.input(valid, 24));
      if (answer.length < 2) throw new Error('an answer without a status word');
    });
    expect(tally.ok).toBe(RUNS);
  });

  it('exchange and JpkiCard against a card that answers garbage: only CardErrors', async () => {
    const f = new Fuzz(11);
    const answers = [Buffer.from('9000', 'hex'), Buffer.from('6100', 'hex'), Buffer.from('6C10', 'hex'), Buffer.from('30820100' + '00'.repeat(10) + '9000', 'hex')];
    const raw = (): Promise<Buffer> => Promise.resolve(f.input(answers, 12));
    let typed = 0;
    for (let run = 0; run < RUNS; run += 1) {
      try {
        if (run % 2 === 0) {
          await exchange(raw, readBinary(0, 256), { extendedLength: f.int(2) === 0 });
        } else {
          const jpki = new JpkiCard(new ApduChannel(raw, { extendedLength: f.int(2) === 0 }));
          const op = f.int(3);
          if (op === 0) await jpki.readAuthCertificate();
          else if (op === 1) await jpki.verifyPin(Buffer.from('2580'));
          else await jpki.pinTriesLeft();
        }
      } catch (error) {
        if (!(error instanceof CardError)) throw new Error(`run ${run} threw ${String(error)}`);
        typed += 1;
      }
    }
    expect(typed).toBeGreaterThan(1000);
  });
});
