import { EventPayloadSchemas } from '@kiosk/protocols';
import { reportCashCollection } from './cash-collection';

const commandId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('reportCashCollection', () => {
  it('reports what was recorded when no amount was counted', () => {
    const report = reportCashCollection(commandId, { coins: 3, valueYen: 610 }, undefined);
    expect(report.event).toEqual({ commandId, recordedCoins: 3, recordedYen: 610 });
    expect(report.differenceYen).toBeNull();
    expect(report.detail).toContain('3 coins, ¥610');
    expect(report.detail).not.toContain('WARNING');
    expect(EventPayloadSchemas['cash.collected'].parse(report.event)).toEqual(report.event);
  });

  it('says the counts match when they do', () => {
    const report = reportCashCollection(commandId, { coins: 2, valueYen: 600 }, 600);
    expect(report.event).toEqual({ commandId, countedYen: 600, recordedCoins: 2, recordedYen: 600 });
    expect(report.differenceYen).toBe(0);
    expect(report.detail).toContain('matches');
    expect(report.detail).not.toContain('WARNING');
  });

  it('warns with the difference when the technician counted less', () => {
    const report = reportCashCollection(commandId, { coins: 2, valueYen: 600 }, 500);
    expect(report.differenceYen).toBe(-100);
    expect(report.detail).toMatch(/^WARNING: counted ¥500, ¥100 less than recorded/);
  });

  it('warns with the difference when the technician counted more', () => {
    const report = reportCashCollection(commandId, { coins: 0, valueYen: 0 }, 50);
    expect(report.differenceYen).toBe(50);
    expect(report.detail).toMatch(/^WARNING: counted ¥50, ¥50 more than recorded/);
  });

  it('puts the technician’s hopper counts into the event as the command carried them (issue 18)', () => {
    const hoppers = [
      { coinYen: 10 as const, foundCoins: 40, leftCoins: 200 },
      { coinYen: 100 as const, foundCoins: 7, leftCoins: 100 },
    ];
    const report = reportCashCollection(commandId, { coins: 2, valueYen: 600 }, 600, hoppers);
    expect(report.event).toEqual({ commandId, countedYen: 600, hoppers, recordedCoins: 2, recordedYen: 600 });
    expect(EventPayloadSchemas['cash.collected'].parse(report.event)).toEqual(report.event);
  });
});
