import { ACTIVE_STATES, alertsForTab, kioskAlertOrder, newerAlert, reconcileAlerts, RESOLVED_STATES, tabCounts, upsertAlert } from './alerts';
import { alert } from './spec-fixtures';

const acknowledged = (n: number) =>
  alert(n, { state: 'acknowledged', acknowledgedAt: '2024-06-01T13:00:00Z', acknowledgedBy: 'tech1', ackComment: '向かいます' });
const resolved = (n: number, resolvedAt = '2024-06-01T14:00:00Z') =>
  alert(n, { state: 'resolved', clearedAt: resolvedAt, resolvedAt });

describe('newerAlert / upsertAlert', () => {
  it('never takes an alert back to an earlier state, whatever order the copies arrive in', () => {
    expect(newerAlert(acknowledged(1), alert(1)).state).toBe('acknowledged');
    expect(newerAlert(alert(1), acknowledged(1)).state).toBe('acknowledged');
    expect(newerAlert(resolved(1), acknowledged(1)).state).toBe('resolved');
  });

  it('takes the later copy in the same state (flaps, cleared time)', () => {
    expect(newerAlert(alert(1), alert(1, { flaps: 2 })).flaps).toBe(2);
  });

  it('adds new alerts and replaces known ones without mutating the list', () => {
    const list = [alert(1), alert(2)];
    const next = upsertAlert(list, acknowledged(2));
    expect(next.map((a) => a.state)).toEqual(['open', 'acknowledged']);
    expect(list[1]?.state).toBe('open');
    expect(upsertAlert(next, alert(3))).toHaveLength(3);
    expect(upsertAlert(next, alert(2)).map((a) => a.state)).toEqual(['open', 'acknowledged']);
  });
});

describe('reconcileAlerts', () => {
  it('drops known active alerts the hub no longer lists, keeps other states', () => {
    const known = [alert(1), acknowledged(2), resolved(3)];
    const next = reconcileAlerts(known, [acknowledged(1), alert(4)], ACTIVE_STATES);
    expect(next.map((a) => [a.alertId.slice(-1), a.state])).toEqual([
      ['3', 'resolved'],
      ['1', 'acknowledged'],
      ['4', 'open'],
    ]);
  });

  it('merges a resolved list into what is known', () => {
    const next = reconcileAlerts([alert(1), acknowledged(2)], [resolved(1)], RESOLVED_STATES);
    expect(next.map((a) => a.state).sort()).toEqual(['acknowledged', 'resolved']);
  });
});

describe('alertsForTab', () => {
  const all = [
    alert(30, { openedAt: '2024-06-01T12:30:00Z' }),
    alert(10, { openedAt: '2024-06-01T12:10:00Z' }),
    acknowledged(20),
    resolved(40, '2024-06-01T15:00:00Z'),
    resolved(50, '2024-06-01T16:00:00Z'),
  ];

  it('shows open and acknowledged alerts oldest first', () => {
    expect(alertsForTab(all, 'open').map((a) => a.openedAt)).toEqual(['2024-06-01T12:10:00Z', '2024-06-01T12:30:00Z']);
    expect(alertsForTab(all, 'acknowledged')).toHaveLength(1);
  });

  it('shows resolved alerts most recently resolved first', () => {
    expect(alertsForTab(all, 'resolved').map((a) => a.resolvedAt)).toEqual(['2024-06-01T16:00:00Z', '2024-06-01T15:00:00Z']);
  });

  it('counts each tab', () => {
    expect(tabCounts(all)).toEqual({ open: 2, acknowledged: 1, resolved: 2 });
  });
});

describe('kioskAlertOrder', () => {
  it('puts unresolved alerts (oldest first) before resolved ones (newest first)', () => {
    const ordered = kioskAlertOrder([resolved(1, '2024-06-01T13:00:00Z'), alert(9), resolved(2, '2024-06-01T14:00:00Z'), acknowledged(5)]);
    expect(ordered.map((a) => a.alertId.slice(-1))).toEqual(['5', '9', '2', '1']);
  });
});
