import { interpretPrinter } from './printer-reasons';

describe('interpretPrinter', () => {
  const idle = { state: 3, reasons: ['none'], acceptingJobs: true };

  it('is ok when idle with no reasons', () => {
    expect(interpretPrinter(idle)).toEqual({ reasons: [], status: 'ok' });
  });

  it('maps media, door and offline reasons with their severity', () => {
    expect(interpretPrinter({ ...idle, reasons: ['media-empty-error'] })).toEqual({ reasons: ['media-empty'], status: 'error' });
    expect(interpretPrinter({ ...idle, reasons: ['media-needed-warning'] })).toEqual({ reasons: ['media-empty'], status: 'warning' });
    expect(interpretPrinter({ ...idle, reasons: ['door-open-error', 'cover-open-report'] })).toEqual({ reasons: ['door-open'], status: 'error' });
    expect(interpretPrinter({ ...idle, reasons: ['offline-report'] })).toEqual({ reasons: [], status: 'ok' });
    expect(interpretPrinter({ ...idle, reasons: ['toner-empty-error'] })).toEqual({ reasons: ['other'], status: 'error' });
  });

  it('treats a stopped or refusing queue as offline at least', () => {
    expect(interpretPrinter({ state: 5, reasons: ['paused'], acceptingJobs: true })).toEqual({ reasons: ['offline'], status: 'error' });
    expect(interpretPrinter({ state: 3, reasons: ['none'], acceptingJobs: false })).toEqual({ reasons: ['offline'], status: 'error' });
    expect(interpretPrinter({ state: 5, reasons: ['media-jam-error'], acceptingJobs: true })).toEqual({ reasons: ['jam'], status: 'error' });
  });
});
