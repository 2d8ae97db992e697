import type { DeviceHealth } from '@kiosk/protocols';
import { isRealHealthChange } from './health-change';

const base: DeviceHealth = {
  deviceId: 'receipt-printer',
  kind: 'receipt-printer',
  status: 'ok',
  reasons: [],
  since: '2025-03-01T10:00:00.000Z',
};

describe('isRealHealthChange', () => {
  it('counts the first report of a device', () => {
    expect(isRealHealthChange(undefined, base)).toBe(true);
  });

  it('counts a new status or a different set of reasons', () => {
    expect(isRealHealthChange(base, { ...base, status: 'error', reasons: ['paper-end'] })).toBe(true);
    const warning: DeviceHealth = { ...base, status: 'warning', reasons: ['paper-near-end'] };
    expect(isRealHealthChange(warning, { ...warning, reasons: ['paper-near-end', 'cover-open'] })).toBe(true);
  });

  it('ignores a new timestamp, a new detail and reasons in another order', () => {
    const error: DeviceHealth = { ...base, status: 'error', reasons: ['paper-end', 'cover-open'], detail: 'a' };
    expect(isRealHealthChange(error, { ...error, since: '2025-03-01T10:00:05.000Z', detail: 'b' })).toBe(false);
    expect(isRealHealthChange(error, { ...error, reasons: ['cover-open', 'paper-end'] })).toBe(false);
  });
});
