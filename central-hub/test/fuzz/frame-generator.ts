/**
 * Seeded frames for fuzzing the hub's sockets (issue 15): random ones, and mutations of valid socket.io
 * packets at three levels (the frame's text, the packet's header, the event's JSON arguments). Pure and
 * reproducible: the same seed gives the same frames, so a crash can be replayed.
 */
import { mulberry32 } from '@kiosk/protocols';

/** One websocket message: text (engine.io's text packets) or binary. */
export type Frame = { kind: 'text'; data: string } | { kind: 'binary'; data: Buffer };

/** A valid event of a namespace, as its client would send it: the event's name and its arguments. */
export interface EventTemplate {
  event: string;
  args: unknown[];
}

const ODD_STRINGS = ['', ' ', '\u0000', '\ud800', '\uffff', '𠮷野家', '__proto__', 'constructor', 'toString', '../../etc/passwd', "'; DROP TABLE kiosks;--", '%s%n', '{}', '[]'];
const ODD_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, -1e-308, '', [], {}, ...ODD_STRINGS];

export class FrameGenerator {
  private readonly random: () => number;

  constructor(
    seed: number,
    /** The namespace the frames are aimed at (`/agent`, `/console`; `/` for none). */
    private readonly namespace: string,
    private readonly templates: readonly EventTemplate[],
  ) {
    this.random = mulberry32(seed);
  }

  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T;
  }

  /** The next frame: mostly well-formed packets whose arguments are mutated, so handlers are reached. */
  next(): Frame {
    const roll = this.random();
    if (roll < 0.55) return { kind: 'text', data: this.eventPacket(this.mutateArgs(this.pick(this.templates)), true) };
    if (roll < 0.62) return { kind: 'text', data: this.eventPacket(this.mutateArgs(this.pick(this.templates)), false) };
    if (roll < 0.67) return { kind: 'text', data: this.eventPacket({ event: this.randomString(12), args: [this.randomJson(3)] }, true) };
    if (roll < 0.8) return { kind: 'text', data: this.mutateText(this.eventPacket(this.pick(this.templates), true)) };
    if (roll < 0.87) return { kind: 'text', data: this.otherPacket() };
    if (roll < 0.95) return { kind: 'text', data: this.randomText() };
    return { kind: 'binary', data: this.randomBytes(256) };
  }

  /** `40/console,{auth}`: a CONNECT to `namespace` with its handshake payload, the payload mutated or not. */
  connectPacket(namespace: string, auth: unknown, mutate: boolean): string {
    const payload = mutate ? this.mutateValue(auth, 0) : auth;
    return `40${namespace === '/' ? '' : `${namespace},`}${JSON.stringify(payload) ?? ''}`;
  }

  /** `42/agent,17["event",…]`: an engine.io message carrying a socket.io EVENT, with an ack id or not. */
  eventPacket(template: EventTemplate, withAck: boolean): string {
    const id = withAck ? String(this.int(1_000_000)) : '';
    return `42${this.prefix()}${id}${JSON.stringify([template.event, ...template.args])}`;
  }

  private prefix(): string {
    return this.namespace === '/' ? '' : `${this.namespace},`;
  }

  /** The event's arguments with one to three values replaced, removed or added somewhere inside. */
  mutateArgs(template: EventTemplate): EventTemplate {
    let args: unknown = structuredClone(template.args);
    const times = 1 + this.int(3);
    for (let i = 0; i < times; i++) args = this.mutateValue(args, 0);
    return { event: template.event, args: Array.isArray(args) ? args : [args] };
  }

  private mutateValue(value: unknown, depth: number): unknown {
    const descend = depth < 6 && this.chance(0.7);
    if (descend && Array.isArray(value) && value.length > 0) {
      const copy = [...value];
      const at = this.int(copy.length);
      copy[at] = this.mutateValue(copy[at], depth + 1);
      return copy;
    }
    if (descend && value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
      const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      const keys = Object.keys(copy);
      const key = this.pick(keys);
      const roll = this.random();
      if (roll < 0.15) delete copy[key];
      else if (roll < 0.25) copy[this.pick(ODD_STRINGS) || 'extra'] = this.randomJson(2);
      else copy[key] = this.mutateValue(copy[key], depth + 1);
      return copy;
    }
    return this.replacement(value);
  }

  private replacement(value: unknown): unknown {
    const roll = this.random();
    if (roll < 0.35) return this.pick(ODD_VALUES);
    if (roll < 0.5) return this.randomJson(3);
    if (roll < 0.6) return 'x'.repeat(this.int(5000));
    if (roll < 0.7) return this.nested(1 + this.int(3000));
    // Many copies of a small value (a big one would only exceed the frame limit, which closes the connection).
    if (roll < 0.8) return Array.from({ length: this.int(2000) }, () => (typeof value === 'object' && value !== null ? 0 : value));
    if (roll < 0.9 && typeof value === 'string') return value + this.randomString(8);
    if (typeof value === 'number') return value * (this.chance(0.5) ? -1 : 1e9);
    return [value];
  }

  /** Arrays nested `depth` deep: what a hostile client sends to exhaust a recursive parser or validator. */
  private nested(depth: number): unknown {
    let value: unknown = [];
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  }

  randomJson(depth: number): unknown {
    const roll = this.random();
    if (depth <= 0 || roll < 0.4) return this.chance(0.5) ? this.pick(ODD_VALUES) : this.randomString(10);
    if (roll < 0.7) return Array.from({ length: this.int(4) }, () => this.randomJson(depth - 1));
    return Object.fromEntries(Array.from({ length: this.int(4) }, () => [this.randomString(6), this.randomJson(depth - 1)]));
  }

  randomString(max: number): string {
    const length = this.int(max + 1);
    let text = '';
    for (let i = 0; i < length; i++) text += String.fromCharCode(this.chance(0.8) ? 0x20 + this.int(95) : this.int(0x10000));
    return text;
  }

  /** Bytes flipped, inserted, deleted, cut or repeated in a frame's text. */
  mutateText(text: string): string {
    const at = this.int(text.length + 1);
    switch (this.int(6)) {
      case 0:
        return text.slice(0, at) + String.fromCharCode(this.int(0x10000)) + text.slice(at + 1);
      case 1:
        return text.slice(0, at) + this.randomString(6) + text.slice(at);
      case 2:
        return text.slice(0, at) + text.slice(at + 1 + this.int(8));
      case 3:
        return text.slice(0, at);
      case 4:
        return text.slice(0, at) + text.slice(at, at + 1 + this.int(40)).repeat(2 + this.int(50)) + text.slice(at);
      default:
        // Another packet type in front of the same body.
        return `${this.int(8)}${this.int(8)}${text.slice(2)}`;
    }
  }

  /** The other socket.io packet types (CONNECT again, DISCONNECT, ACK, CONNECT_ERROR, BINARY_*) and engine.io's. */
  private otherPacket(): string {
    const body = JSON.stringify(this.randomJson(2)) ?? '';
    switch (this.int(8)) {
      case 0:
        return `40${this.prefix()}${body}`;
      case 1:
        return `41${this.prefix()}`;
      case 2:
        return `43${this.prefix()}${this.int(1000)}[${body}]`;
      case 3:
        return `44${this.prefix()}${body}`;
      case 4:
        return `45${this.int(3)}-${this.prefix()}${this.int(1000)}["x",{"_placeholder":true,"num":${this.int(3)}}]`;
      case 5:
        return `46${this.int(3)}-${this.prefix()}${this.int(1000)}[{"_placeholder":true,"num":0}]`;
      case 6:
        return `${this.pick(['0', '1', '2', '3', '5', '6'])}${this.randomString(20)}`;
      default:
        return `4${this.randomString(30)}`;
    }
  }

  private randomText(): string {
    return this.chance(0.5) ? this.randomString(200) : `${this.int(10)}${this.randomString(60)}`;
  }

  private randomBytes(max: number): Buffer {
    const bytes = Buffer.alloc(this.int(max + 1));
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.int(256);
    return bytes;
  }
}
