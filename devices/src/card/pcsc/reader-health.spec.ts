import { deriveReaderHealth, type ReaderHealthInput } from './reader-health';

const base: ReaderHealthInput = {
  hostRunning: true,
  hostFailure: null,
  serviceUp: true,
  serviceDetail: 'context established',
  readers: ['Virtual PCD 00 00', 'Virtual PCD 00 01'],
  patternText: '"Virtual PCD 00 00"',
  selected: 'Virtual PCD 00 00',
  selectedWasSeen: true,
};

describe('deriveReaderHealth', () => {
  it('is ok with a matching reader, card or not', () => {
    expect(deriveReaderHealth(base)).toEqual({ status: 'ok', reasons: [], detail: 'using Virtual PCD 00 00' });
  });

  it('is missing with no-service while pcscd does not answer', () => {
    const health = deriveReaderHealth({ ...base, serviceUp: false, serviceDetail: 'SCardEstablishContext error: Service not available.(0x8010001d)' });
    expect(health.status).toBe('missing');
    expect(health.reasons).toEqual(['no-service']);
    expect(health.detail).toContain('0x8010001d');
  });

  it('tells a reader never seen from one that went away', () => {
    expect(deriveReaderHealth({ ...base, selected: null, selectedWasSeen: false, readers: [] })).toMatchObject({
      status: 'missing',
      reasons: ['not-found'],
      detail: 'no reader matches "Virtual PCD 00 00" (no readers attached)',
    });
    expect(deriveReaderHealth({ ...base, selected: null, readers: ['Other 00 00'] })).toMatchObject({
      status: 'missing',
      reasons: ['disconnected'],
      detail: 'no reader matches "Virtual PCD 00 00" (attached: Other 00 00)',
    });
  });

  it('is an error while the PC/SC client is restarted, whatever else it knew', () => {
    expect(deriveReaderHealth({ ...base, hostRunning: false, hostFailure: 'timeout', serviceUp: false })).toMatchObject({ status: 'error', reasons: ['timeout'] });
    expect(deriveReaderHealth({ ...base, hostRunning: false, hostFailure: 'crash' })).toMatchObject({ status: 'error', reasons: ['other'] });
  });

  it('keeps the detail within the protocol limit', () => {
    const readers = Array.from({ length: 100 }, (_, i) => `Reader number ${i} 00 00`);
    expect(deriveReaderHealth({ ...base, selected: null, readers }).detail.length).toBeLessThanOrEqual(500);
  });
});
