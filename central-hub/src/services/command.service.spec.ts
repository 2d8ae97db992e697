import type { AuditEntry } from '@kiosk/protocols';
import { ProtocolException } from '../errors';
import { ManualClock } from '../../test/support/manual-clock';
import { silentLogger } from '../../test/support/silent-logger';
import { strictMock } from '../../test/support/strict-mock';
import type { AuditDraft } from '../repositories/audit.sql';
import type { CommandRecord, CommandRepository } from '../repositories/command.repository';
import type { KioskRecord, KioskRepository } from '../repositories/kiosk.repository';
import type { Metrics } from '../repositories/metrics.repository';
import type { Random } from '../repositories/random.repository';
import type { WebsocketRepository } from '../repositories/websocket.repository';
import { BOOTSTRAP_PRINCIPAL, type Principal } from './access.rules';
import type { AuditService } from './audit.service';
import { CommandService } from './command.service';

const kioskId = 'kiosk-abcd1234';
const kiosk = { kioskId, municipality: '豊中市' } as KioskRecord;
const commandId = '019abcde-f012-7345-8678-9abcdef01234';
const entry = { seq: 1 } as AuditEntry;
const draft = { action: 'command.sent' } as AuditDraft;

const technician: Principal = { ...BOOTSTRAP_PRINCIPAL, kind: 'user', username: 'tanaka', role: 'technician', municipality: '豊中市' };
const viewer: Principal = { ...technician, username: 'sato', role: 'viewer' };
const elsewhere: Principal = { ...technician, username: 'suzuki', municipality: '吹田市' };

describe('CommandService', () => {
  const clock = new ManualClock('2026-11-26T01:00:00.000Z');
  let commands: ReturnType<typeof strictMock<CommandRepository>>;
  let kiosks: ReturnType<typeof strictMock<KioskRepository>>;
  let sockets: ReturnType<typeof strictMock<WebsocketRepository>>;
  let audit: ReturnType<typeof strictMock<AuditService>>;
  let metrics: ReturnType<typeof strictMock<Metrics>>;
  let random: ReturnType<typeof strictMock<Random>>;
  let service: CommandService;

  beforeEach(() => {
    commands = strictMock<CommandRepository>('CommandRepository');
    kiosks = strictMock<KioskRepository>('KioskRepository');
    sockets = strictMock<WebsocketRepository>('WebsocketRepository');
    audit = strictMock<AuditService>('AuditService');
    metrics = strictMock<Metrics>('Metrics');
    random = strictMock<Random>('Random');
    service = new CommandService(commands, kiosks, sockets, audit, metrics, clock, random, silentLogger());
  });

  function expectQueued(): void {
    kiosks.findById.mockResolvedValue(kiosk);
    random.uuidv7.mockReturnValue(commandId);
    audit.draft.mockReturnValue(draft);
    audit.published.mockReturnValue(undefined);
    commands.insert.mockResolvedValue(entry);
    metrics.commandQueued.mockReturnValue(undefined);
    sockets.publishCommand.mockReturnValue(undefined);
  }

  it('builds the full command (id, issuedAt, expiresAt from ttl), queues it with its audit row, and pushes it', async () => {
    expectQueued();
    sockets.isConnected.mockResolvedValue(false);

    expect(await service.create(technician, kioskId, { type: 'ping', params: {}, ttlSeconds: 90 })).toEqual({ commandId });
    const command = { commandId, type: 'ping', params: {}, issuedAt: '2026-11-26T01:00:00.000Z', expiresAt: '2026-11-26T01:01:30.000Z' };
    expect(commands.insert).toHaveBeenCalledWith(kioskId, command, 'tanaka', draft);
    expect(audit.draft).toHaveBeenCalledWith(technician, expect.objectContaining({ action: 'command.sent', outcome: 'ok', kioskId, target: commandId }));
    expect(audit.published).toHaveBeenCalledWith(entry);
    expect(sockets.publishCommand).toHaveBeenCalledWith(expect.objectContaining({ commandId, status: 'queued', issuedBy: 'tanaka' }), '豊中市');
    expect(sockets.sendCommand).not.toHaveBeenCalled();
  });

  it('refuses a viewer with forbidden, audits the attempt, and queues nothing', async () => {
    kiosks.findById.mockResolvedValue(kiosk);
    audit.draft.mockReturnValue(draft);
    audit.record.mockResolvedValue(entry);
    const error = await service.create(viewer, kioskId, { type: 'ping', params: {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'forbidden' });
    expect(audit.draft).toHaveBeenCalledWith(viewer, expect.objectContaining({ action: 'command.sent', outcome: 'refused', detail: expect.objectContaining({ reason: 'role' }) as unknown }));
    expect(audit.record).toHaveBeenCalledWith(draft);
    expect(commands.insert).not.toHaveBeenCalled();
  });

  it('answers not_found for another municipality’s kiosk, and audits the attempt', async () => {
    kiosks.findById.mockResolvedValue(kiosk);
    audit.draft.mockReturnValue(draft);
    audit.record.mockResolvedValue(entry);
    await expect(service.create(elsewhere, kioskId, { type: 'ping', params: {} })).rejects.toMatchObject({ code: 'not_found' });
    expect(audit.draft).toHaveBeenCalledWith(elsewhere, expect.objectContaining({ outcome: 'refused', detail: expect.objectContaining({ reason: 'municipality' }) as unknown }));
    expect(commands.insert).not.toHaveBeenCalled();
  });

  it('refuses params the protocol does not accept for that type, storing nothing', async () => {
    kiosks.findById.mockResolvedValue(kiosk);
    random.uuidv7.mockReturnValue(commandId);
    const error = await service.create(technician, kioskId, { type: 'device.reset', params: { deviceId: '' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolException);
    expect((error as ProtocolException).failure.error).toMatchObject({ code: 'invalid_message', issues: [{ path: 'params.deviceId' }] });
    expect(commands.insert).not.toHaveBeenCalled();
  });

  it('refuses a command for an unknown kiosk with not_found', async () => {
    kiosks.findById.mockResolvedValue(undefined);
    await expect(service.create(technician, kioskId, { type: 'ping', params: {} })).rejects.toMatchObject({ code: 'not_found' });
  });

  const pending = { commandId, type: 'ping' as const, params: {}, issuedAt: '2026-11-26T00:59:00.000Z', expiresAt: '2026-11-26T02:00:00.000Z' };
  const delivered: CommandRecord = { kioskId, municipality: '豊中市', command: pending, issuedBy: 'tanaka', status: 'delivered', deliveredAt: 'x', completedAt: null, detail: null };

  function expectDelivery(): void {
    commands.expireDue.mockResolvedValue([]);
    kiosks.findById.mockResolvedValue(kiosk);
    commands.pendingForKiosk.mockResolvedValue([pending]);
    sockets.isConnected.mockResolvedValue(true);
    audit.systemDraft.mockReturnValue(draft);
    audit.published.mockReturnValue(undefined);
    sockets.publishCommand.mockReturnValue(undefined);
  }

  it('expires what is due, then sends pending commands and marks them delivered (audited) on an ok receipt', async () => {
    expectDelivery();
    sockets.sendCommand.mockResolvedValue({ ok: true, duplicate: false });
    commands.markDelivered.mockResolvedValue(entry);
    commands.findById.mockResolvedValue(delivered);

    await service.deliverPending(kioskId);
    expect(commands.expireDue).toHaveBeenCalledWith('2026-11-26T01:00:00.000Z', expect.any(Function));
    expect(commands.pendingForKiosk).toHaveBeenCalledWith(kioskId, '2026-11-26T01:00:00.000Z');
    expect(sockets.sendCommand).toHaveBeenCalledWith(kioskId, pending, expect.any(Number));
    expect(commands.markDelivered).toHaveBeenCalledWith(commandId, '2026-11-26T01:00:00.000Z', draft);
    expect(audit.systemDraft).toHaveBeenCalledWith({ actor: `kiosk:${kioskId}`, actorKind: 'kiosk' }, expect.objectContaining({ action: 'command.delivered' }));
    expect(sockets.publishCommand).toHaveBeenCalledWith(expect.objectContaining({ commandId, status: 'delivered' }), '豊中市');
  });

  it('leaves a command queued when the send fails or the receipt is malformed', async () => {
    expectDelivery();
    sockets.sendCommand.mockRejectedValueOnce(new Error('operation has timed out')).mockResolvedValueOnce({ ok: 'yes' });
    await service.deliverPending(kioskId);
    await service.deliverPending(kioskId);
    expect(sockets.sendCommand).toHaveBeenCalledTimes(2);
    expect(commands.markDelivered).not.toHaveBeenCalled();
  });

  it('does not send the same command twice at once', async () => {
    expectDelivery();
    let release: (receipt: unknown) => void = () => undefined;
    sockets.sendCommand.mockReturnValue(new Promise((resolve) => (release = resolve)));
    commands.markDelivered.mockResolvedValue(entry);
    commands.findById.mockResolvedValue(delivered);
    const first = service.deliverPending(kioskId);
    const second = service.deliverPending(kioskId);
    await second;
    release({ ok: true, duplicate: false });
    await first;
    expect(sockets.sendCommand).toHaveBeenCalledTimes(1);
    expect(commands.markDelivered).toHaveBeenCalledTimes(1);
  });

  it('marks expired commands with a system audit row each, and pushes them', async () => {
    const expired: CommandRecord = { ...delivered, status: 'expired', deliveredAt: null, completedAt: '2026-11-26T01:00:00.000Z' };
    commands.expireDue.mockImplementation((_now, auditFor) => {
      const row = auditFor(expired);
      expect(row).toBe(draft);
      return Promise.resolve([{ record: expired, entry }]);
    });
    audit.systemDraft.mockReturnValue(draft);
    audit.published.mockReturnValue(undefined);
    sockets.publishCommand.mockReturnValue(undefined);
    await service.expireDue();
    expect(audit.systemDraft).toHaveBeenCalledWith({ actor: 'hub', actorKind: 'system' }, expect.objectContaining({ action: 'command.expired', municipality: '豊中市' }));
    expect(audit.published).toHaveBeenCalledWith(entry);
    expect(sockets.publishCommand).toHaveBeenCalledWith(expect.objectContaining({ commandId, status: 'expired' }), '豊中市');
  });
});
