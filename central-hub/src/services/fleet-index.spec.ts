import { KIOSK_STATUSES, type AlertState, type KioskSummary } from '@kiosk/protocols';
import { FleetIndex, type IndexedAlert } from './fleet-index';
import { overviewOf } from './fleet-query.rules';

const MUNICIPALITIES = ['豊中市', '吹田市', '池田市'];
const SITES = ['本庁', '支所', '駅前'];
const STATES: AlertState[] = ['open', 'acknowledged', 'resolved'];

function summary(i: number, pick: (n: number) => number): KioskSummary {
  return {
    kioskId: `kiosk-${String(i).padStart(6, '0')}`,
    name: `k${i}`,
    municipality: MUNICIPALITIES[pick(3)] as string,
    site: SITES[pick(3)] as string,
    kind: 'certificate-kiosk',
    enrolled: pick(5) !== 0,
    online: pick(2) === 0,
    lastHeartbeatAt: null,
    outboxBacklog: null,
    agentVersion: null,
    outOfService: false,
    devices: [],
    status: KIOSK_STATUSES[pick(KIOSK_STATUSES.length)] as KioskSummary['status'],
    statusSince: null,
    activeAlerts: [],
  };
}

describe('FleetIndex', () => {
  it('keeps the same overview a fresh count of the whole fleet gives, through arbitrary changes', () => {
    let seed = 12_345;
    const pick = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const kiosks = new Map<string, KioskSummary>();
    const alerts = new Map<string, IndexedAlert>();
    const index = new FleetIndex();
    index.load([], []);
    for (let step = 0; step < 3_000; step++) {
      if (pick(3) === 0) {
        const alert: IndexedAlert = { alertId: `a${pick(200)}`, municipality: MUNICIPALITIES[pick(3)] as string, state: STATES[pick(3)] as AlertState };
        const previous = alerts.get(alert.alertId);
        const kept = previous ? { ...alert, municipality: previous.municipality } : alert;
        if (kept.state === 'resolved') alerts.delete(kept.alertId);
        else alerts.set(kept.alertId, kept);
        index.putAlert(kept);
      } else {
        const kiosk = summary(pick(300), pick);
        kiosks.set(kiosk.kioskId, kiosk);
        index.putKiosk(kiosk);
      }
      if (step % 300 !== 299) continue;
      for (const scope of [null, ...MUNICIPALITIES, 'どこにもない市']) {
        const visible = (municipality: string) => scope === null || municipality === scope;
        const live = [...alerts.values()].filter((alert) => visible(alert.municipality));
        const counts = { open: live.filter((a) => a.state === 'open').length, acknowledged: live.filter((a) => a.state === 'acknowledged').length };
        expect(index.overview(scope)).toEqual(overviewOf([...kiosks.values()].filter((k) => visible(k.municipality)), counts));
      }
    }
  });

  it('lists in kiosk id order, from a cursor on', () => {
    const index = new FleetIndex();
    const pick = () => 0;
    index.load([summary(3, pick), summary(1, pick), summary(2, pick)], []);
    index.putKiosk(summary(0, pick));
    expect([...index.summaries(() => true)].map((k) => k.kioskId)).toEqual(['kiosk-000000', 'kiosk-000001', 'kiosk-000002', 'kiosk-000003']);
    expect([...index.summaries(() => true, 'kiosk-000001')].map((k) => k.kioskId)).toEqual(['kiosk-000002', 'kiosk-000003']);
    expect([...index.summaries(() => false)]).toEqual([]);
  });
});
