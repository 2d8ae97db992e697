import { KioskDetailSchema, type KioskDetail } from '@kiosk/protocols';
import { detailWithAlert, detailWithCommand, detailWithKiosk, refreshedDetail } from './kiosk-detail';
import { alert, command, kiosk } from './spec-fixtures';

function detail(overrides: Partial<KioskDetail> = {}): KioskDetail {
  return KioskDetailSchema.parse({ kiosk: kiosk('kiosk-001'), statusHistory: [], telemetry: [], alerts: [], commands: [], ...overrides });
}

describe('kiosk detail live updates', () => {
  it('ignores pushes about other kiosks, returning the same object', () => {
    const current = detail();
    expect(detailWithKiosk(current, kiosk('kiosk-002'))).toBe(current);
    expect(detailWithAlert(current, alert(1, { kioskId: 'kiosk-002' }))).toBe(current);
    expect(detailWithCommand(current, command(1, { kioskId: 'kiosk-002' }))).toBe(current);
  });

  it('takes this kiosk’s new summary', () => {
    expect(detailWithKiosk(detail(), kiosk('kiosk-001', { online: false })).kiosk.online).toBe(false);
  });

  it('merges alerts in the kiosk page’s order and moves them forward only', () => {
    const withOpen = detailWithAlert(detail({ alerts: [alert(1, { state: 'resolved', clearedAt: '2024-06-01T13:00:00Z', resolvedAt: '2024-06-01T13:00:00Z' })] }), alert(2));
    expect(withOpen.alerts.map((a) => a.state)).toEqual(['open', 'resolved']);
    const acked = detailWithAlert(withOpen, alert(2, { state: 'acknowledged', acknowledgedAt: '2024-06-01T12:30:00Z', acknowledgedBy: 'tech1', ackComment: 'ok' }));
    expect(detailWithAlert(acked, alert(2)).alerts[0]?.state).toBe('acknowledged');
  });

  it('adds commands newest first', () => {
    const next = detailWithCommand(detailWithCommand(detail(), command(1)), command(2));
    expect(next.commands.map((c) => c.commandId.slice(-1))).toEqual(['2', '1']);
  });

  it('replays the pushes that crossed a refetch on top of its answer', () => {
    const fetched = detail({ alerts: [alert(1)], commands: [command(1)] });
    const result = refreshedDetail(fetched, {
      kiosk: [kiosk('kiosk-001', { outboxBacklog: 9 })],
      alerts: [alert(1, { state: 'acknowledged', acknowledgedAt: '2024-06-01T12:30:00Z', acknowledgedBy: 'tech1', ackComment: 'ok' })],
      commands: [command(1, { status: 'succeeded' })],
    });
    expect(result.kiosk.outboxBacklog).toBe(9);
    expect(result.alerts[0]?.state).toBe('acknowledged');
    expect(result.commands[0]?.status).toBe('succeeded');
  });
});
