import type { AuditEntry } from '@kiosk/protocols';
import { ManualClock } from '../../test/support/manual-clock';
import { silentLogger } from '../../test/support/silent-logger';
import { strictMock } from '../../test/support/strict-mock';
import type { AlertRecord, AlertRepository } from '../repositories/alert.repository';
import type { AuditDraft } from '../repositories/audit.sql';
import type { WebsocketRepository } from '../repositories/websocket.repository';
import { BOOTSTRAP_PRINCIPAL, type Principal } from './access.rules';
import { AlertService } from './alert.service';
import type { AuditService } from './audit.service';
import type { FleetService } from './fleet.service';

const NOW = '2026-11-26T01:00:00.000Z';
const alert = { alertId: '019abcde-f012-7345-8678-9abcdef01234', kioskId: 'kiosk-a', municipality: '豊中市', kind: 'paper-out', state: 'open', key: 'k' } as AlertRecord;
const technician: Principal = { ...BOOTSTRAP_PRINCIPAL, kind: 'user', username: 'tanaka', role: 'technician', municipality: '豊中市' };
const draft = { action: 'alert.acknowledged' } as AuditDraft;
const entry = { seq: 3 } as AuditEntry;

describe('AlertService', () => {
  let alerts: ReturnType<typeof strictMock<AlertRepository>>;
  let audit: ReturnType<typeof strictMock<AuditService>>;
  let fleet: ReturnType<typeof strictMock<FleetService>>;
  let sockets: ReturnType<typeof strictMock<WebsocketRepository>>;
  let service: AlertService;

  beforeEach(() => {
    alerts = strictMock<AlertRepository>('AlertRepository');
    audit = strictMock<AuditService>('AuditService');
    fleet = strictMock<FleetService>('FleetService');
    sockets = strictMock<WebsocketRepository>('WebsocketRepository');
    service = new AlertService(alerts, audit, fleet, sockets, new ManualClock(NOW), silentLogger());
    audit.draft.mockReturnValue(draft);
  });

  it('acknowledges an open alert with its audit row in one step, and pushes it', async () => {
    alerts.findById.mockResolvedValue(alert);
    alerts.acknowledge.mockResolvedValue({ alert: { ...alert, state: 'acknowledged', acknowledgedBy: 'tanaka' }, entry });
    audit.published.mockReturnValue(undefined);
    sockets.publishAlert.mockReturnValue(undefined);
    fleet.requestOverviewPush.mockReturnValue(undefined);
    fleet.alertChanged.mockReturnValue(undefined);
    const acknowledged = await service.acknowledge(technician, { alertId: alert.alertId, comment: 'on my way' });
    expect(acknowledged).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'tanaka' });
    expect(acknowledged).not.toHaveProperty('key');
    expect(alerts.acknowledge).toHaveBeenCalledWith(alert.alertId, 'tanaka', 'on my way', NOW, draft);
    expect(audit.draft).toHaveBeenCalledWith(technician, expect.objectContaining({ outcome: 'ok', detail: { kind: 'paper-out', comment: 'on my way' } }));
    expect(audit.published).toHaveBeenCalledWith(entry);
    expect(fleet.alertChanged).toHaveBeenCalledWith(expect.objectContaining({ alertId: alert.alertId, state: 'acknowledged' }));
  });

  it('refuses a viewer (audited), hides another municipality’s alert, and will not acknowledge twice', async () => {
    alerts.findById.mockResolvedValue(alert);
    audit.record.mockResolvedValue(entry);
    await expect(service.acknowledge({ ...technician, role: 'viewer' }, { alertId: alert.alertId, comment: 'c' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(audit.draft).toHaveBeenCalledWith(expect.objectContaining({ role: 'viewer' }), expect.objectContaining({ outcome: 'refused' }));
    await expect(service.acknowledge({ ...technician, municipality: '吹田市' }, { alertId: alert.alertId, comment: 'c' })).rejects.toMatchObject({ code: 'not_found' });
    alerts.findById.mockResolvedValue({ ...alert, state: 'acknowledged' });
    await expect(service.acknowledge(technician, { alertId: alert.alertId, comment: 'c' })).rejects.toMatchObject({ code: 'conflict' });
    expect(alerts.acknowledge).not.toHaveBeenCalled();
  });

  it('lists active alerts (open and acknowledged) within the principal’s municipality by default', async () => {
    alerts.list.mockResolvedValue([alert]);
    expect(await service.list(technician, {})).toEqual([expect.not.objectContaining({ key: 'k' })]);
    expect(alerts.list).toHaveBeenCalledWith({ states: ['open', 'acknowledged'], kioskId: undefined, municipality: '豊中市', limit: 200 });
  });
});
