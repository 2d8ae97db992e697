import { CardBusyError, CardCommunicationError, CardRemovedError, PcscUnavailableError, ReaderGoneError } from '../errors';
import { errorFromPcsc, PcscCode, pcscCodeFromMessage } from './pcsc-errors';

describe('PC/SC errors', () => {
  it('finds the code at the end of the binding message', () => {
    expect(pcscCodeFromMessage('SCardEstablishContext error: Service not available.(0x8010001d)')).toBe(PcscCode.noService);
    expect(pcscCodeFromMessage('SCardTransmit error: Card was removed.(0x80100069)')).toBe(PcscCode.removedCard);
    expect(pcscCodeFromMessage('something else')).toBeNull();
  });

  it('maps codes to typed errors', () => {
    expect(errorFromPcsc(PcscCode.noService, 'r', 'm')).toBeInstanceOf(PcscUnavailableError);
    expect(errorFromPcsc(PcscCode.commError, 'r', 'm')).toBeInstanceOf(PcscUnavailableError);
    expect(errorFromPcsc(PcscCode.removedCard, 'r', 'm')).toBeInstanceOf(CardRemovedError);
    expect(errorFromPcsc(PcscCode.noSmartcard, 'r', 'm')).toBeInstanceOf(CardRemovedError);
    expect(errorFromPcsc(PcscCode.unknownReader, 'r', 'm')).toBeInstanceOf(ReaderGoneError);
    expect(errorFromPcsc(PcscCode.readerUnavailable, 'r', 'm')).toBeInstanceOf(ReaderGoneError);
    expect(errorFromPcsc(PcscCode.sharingViolation, 'r', 'm')).toBeInstanceOf(CardBusyError);
    const other = errorFromPcsc(PcscCode.notTransacted, 'Virtual PCD 00 00', 'SCardTransmit error: Transaction failed.(0x80100016)');
    expect(other).toBeInstanceOf(CardCommunicationError);
    expect(other).toMatchObject({ reader: 'Virtual PCD 00 00', pcscCode: PcscCode.notTransacted });
    expect(errorFromPcsc(null, 'r', 'm')).toBeInstanceOf(CardCommunicationError);
  });
});
