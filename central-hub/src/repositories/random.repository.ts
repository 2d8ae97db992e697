import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Randomness, injected so tests can make ids and codes predictable. */
export interface Random {
  bytes(count: number): Buffer;
  /** RFC 9562 UUIDv7 for the given instant (time-ordered ids of commands). */
  uuidv7(at: Date): string;
}
export const RANDOM = 'Random';

@Injectable()
export class CryptoRandom implements Random {
  bytes(count: number): Buffer {
    return randomBytes(count);
  }

  uuidv7(at: Date): string {
    return uuidv7({ msecs: at.getTime() });
  }
}
