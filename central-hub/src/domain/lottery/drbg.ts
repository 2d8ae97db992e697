import { createHash, hash } from 'node:crypto';

/**
 * The draw's random numbers: SHA-256 in counter mode, keyed by the round's seed and a label, so each
 * labelled stream is independent of every other and anyone with the seed can regenerate it. Specified
 * byte for byte in DRAW.md; the test vectors in drbg.spec.ts pin it.
 *
 *   key      = SHA-256( "kiosk-lottery/draw/v1" || 0x00 || seed (32 bytes) || 0x00 || UTF-8(label) )
 *   block(i) = SHA-256( key || uint32-big-endian(i) ),  i = 0, 1, 2, …
 *   stream   = block(0) || block(1) || …, read as consecutive big-endian uint32 words.
 */
export const DRBG_DOMAIN = 'kiosk-lottery/draw/v1';

export class DrbgError extends Error {
  override readonly name = 'DrbgError';
  constructor(
    readonly reason: 'bad-seed' | 'bad-bound' | 'exhausted',
    message: string,
  ) {
    super(message);
  }
}

export class Sha256CounterStream {
  /** key || counter: the input of the next block, rewritten in place (no allocation per block). */
  private readonly input = Buffer.alloc(36);
  private counter = 0;
  private block: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(seed: Buffer, label: string) {
    if (seed.length !== 32) throw new DrbgError('bad-seed', 'the seed must be 32 bytes');
    createHash('sha256')
      .update(Buffer.from(DRBG_DOMAIN, 'utf8'))
      .update(Buffer.of(0))
      .update(seed)
      .update(Buffer.of(0))
      .update(Buffer.from(label, 'utf8'))
      .digest()
      .copy(this.input, 0);
  }

  nextUint32(): number {
    if (this.offset >= this.block.length) {
      if (this.counter > 0xffffffff) throw new DrbgError('exhausted', 'stream exhausted');
      this.input.writeUInt32BE(this.counter, 32);
      this.counter += 1;
      this.block = hash('sha256', this.input, 'buffer');
      this.offset = 0;
    }
    const word = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return word;
  }

  /**
   * Uniform integer in [0, bound), bound in [1, 2^32], by rejection: words at or above the largest
   * multiple of `bound` below 2^32 are skipped, so no value is favoured by the modulo.
   */
  uniform(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > 0x100000000) throw new DrbgError('bad-bound', `bad bound ${bound}`);
    if (bound === 1) return 0;
    const limit = 0x100000000 - (0x100000000 % bound);
    for (;;) {
      const word = this.nextUint32();
      if (word < limit) return word % bound;
    }
  }
}

/**
 * Fisher–Yates (Durstenfeld) in place, from the last index down: for i = n-1 … 1, j = uniform(i+1),
 * swap items i and j. Every permutation is equally likely whatever order the items came in.
 */
export function shuffleInPlace<T, A extends { length: number; [index: number]: T }>(items: A, stream: Sha256CounterStream): A {
  for (let i = items.length - 1; i >= 1; i--) {
    const j = stream.uniform(i + 1);
    const item = items[i] as T;
    items[i] = items[j] as T;
    items[j] = item;
  }
  return items;
}
