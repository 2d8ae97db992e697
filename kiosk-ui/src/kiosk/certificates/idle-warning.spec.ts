import { warningMsFor } from './idle-warning';

describe('certificate idle periods', () => {
  it('uses a 30 s warning, or half a shortened idle period', () => {
    expect(warningMsFor(60_000)).toBe(30_000);
    expect(warningMsFor(600_000)).toBe(30_000);
    expect(warningMsFor(4000)).toBe(2000);
  });
});
