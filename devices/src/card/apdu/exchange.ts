import { CardArgumentError, MalformedResponseError } from '../errors';
import { type CommandApdu, encodeCommand, needsExtendedLength } from './command';
import { exactLengthHint, moreDataAvailable, parseResponse, type ResponseApdu } from './response';

/** Sends one raw command APDU and resolves with the raw response bytes (data + SW1 SW2). */
export type RawTransmit = (command: Buffer) => Promise<Buffer>;

export interface ExchangeOptions {
  /** From the ATR: may Lc/Le be 2-byte (extended) fields? */
  extendedLength: boolean;
  /** Bound on GET RESPONSE rounds, so a card that answers 61xx forever cannot hang the flow. */
  maxChainedResponses?: number;
}

const DEFAULT_MAX_CHAINED = 300;
const MAX_CHAINED_BYTES = 65536 + 256;

/**
 * One logical exchange, as ISO/IEC 7816-4 asks the terminal to do it:
 * - 6C xx (wrong Le): send the same command again with Le = xx, once;
 * - 61 xx (more data): GET RESPONSE (00 C0 00 00 xx) until the card stops saying 61, joining the data.
 * The returned response carries the joined data and the last status word.
 */
export async function exchange(raw: RawTransmit, command: CommandApdu, options: ExchangeOptions): Promise<ResponseApdu> {
  if (needsExtendedLength(command) && !options.extendedLength) {
    throw new CardArgumentError('the command needs extended length fields and the card does not accept them');
  }
  const maxChained = options.maxChainedResponses ?? DEFAULT_MAX_CHAINED;
  let current = command;
  let wrongLeRetried = false;
  const chunks: Buffer[] = [];
  let chainedBytes = 0;
  let chained = 0;
  for (;;) {
    const encoded = encodeCommand(current);
    let rawResponse: Buffer;
    try {
      rawResponse = await raw(encoded);
    } finally {
      encoded.fill(0); // the encoded APDU may hold PIN digits (VERIFY); wipe our copy once it is sent
    }
    const response = parseResponse(rawResponse);
    const exact = exactLengthHint(response);
    if (exact !== null) {
      if (wrongLeRetried || current.ne === undefined) {
        throw new MalformedResponseError('response-chain', `card answered 6C${hex2(response.sw2)} twice or to a command without Le`);
      }
      wrongLeRetried = true;
      current = { ...current, ne: exact };
      continue;
    }
    chunks.push(response.data);
    chainedBytes += response.data.length;
    const more = moreDataAvailable(response);
    if (more === null) {
      return { ...response, data: chunks.length === 1 ? response.data : Buffer.concat(chunks) };
    }
    chained += 1;
    if (chained > maxChained || chainedBytes > MAX_CHAINED_BYTES) {
      throw new MalformedResponseError('response-chain', `more than ${maxChained} GET RESPONSE rounds or ${MAX_CHAINED_BYTES} bytes`);
    }
    // GET RESPONSE: CLA 00, INS C0, P1 P2 00 00, Le = what the card announced.
    current = { cla: 0x00, ins: 0xc0, p1: 0x00, p2: 0x00, ne: more };
    wrongLeRetried = false;
  }
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}
