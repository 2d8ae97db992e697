/**
 * The kiosk's activity (card reads, prints, transactions per hour, the cash box) from its heartbeats,
 * stored in the telemetry time series and served on the kiosk page; pruned with the series.
 */
import type { KioskActivity, KioskDetail, Telemetry } from '@kiosk/protocols';
import { TELEMETRY_PRUNE } from '../src/services/sweep.service';
import { ManualClock } from './support/manual-clock';
import { ManualScheduler } from './support/manual-scheduler';
import { TestHub } from './support/test-hub';
import { connectKiosk, enrolKiosk, sendHeartbeat } from './support/agent-client';

describe('telemetry activity', () => {
  const clock = new ManualClock(new Date());
  const scheduler = new ManualScheduler();
  let hub: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start({ overrides: { clock, scheduler } });
  });

  afterAll(async () => {
    await hub.close();
  });

  function heartbeat(activity?: KioskActivity): Telemetry {
    return {
      sentAt: clock.now().toISOString(),
      outbox: { backlog: 0, oldestOccurredAt: null, lastSeq: 0 },
      devices: [],
      agent: { version: '0.1.0', uptimeSeconds: 5, rssBytes: 40_000_000, outOfService: false },
      ...(activity === undefined ? {} : { activity }),
    };
  }

  it('stores each point with its activity and serves it; points without one stay without; retention prunes them', async () => {
    const kiosk = await enrolKiosk(hub);
    const socket = await connectKiosk(hub.url, kiosk, clock.now());
    try {
      const first: KioskActivity = { windowSeconds: 3600, cardReads: 2, receiptPrints: 1, documentPrints: 3, transactions: 4, cashBox: { coins: 5, valueYen: 1100 } };
      await sendHeartbeat(socket, heartbeat(first));
      clock.advance(120_000);
      await sendHeartbeat(socket, heartbeat());
      clock.advance(120_000);
      const third: KioskActivity = { ...first, cardReads: 7, cashBox: null };
      await sendHeartbeat(socket, heartbeat(third));

      const { status, body } = await hub.api('GET', `/api/kiosks/${kiosk.kioskId}`);
      expect(status).toBe(200);
      const points = (body as KioskDetail).telemetry;
      expect(points.map((point) => point.activity)).toEqual([first, undefined, third]);

      clock.advance(8 * 24 * 3_600_000);
      await scheduler.run(TELEMETRY_PRUNE);
      expect(await hub.count('SELECT count(*) FROM telemetry_points WHERE kiosk_id = ?', kiosk.kioskId)).toBe(0);
    } finally {
      socket.close();
    }
  });
});
