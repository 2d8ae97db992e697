import { ProtocolException } from '../errors';
import { ManualClock } from '../../test/support/manual-clock';
import { silentLogger } from '../../test/support/silent-logger';
import { strictMock } from '../../test/support/strict-mock';
import type { CommandRepository } from '../repositories/command.repository';
import type { KioskRecord, KioskRepository } from '../repositories/kiosk.repository';
import type { Random } from '../repositories/random.repository';
import type { WebsocketRepository } from '../repositories/websocket.repository';
import { CommandService } from './command.service';

const kioskId = 'kiosk-abcd1234';
const kiosk = { kioskId } as KioskRecord;
const commandId = '019abcde-f012-7345-8678-9abcdef01234';

describe('CommandService', () => {
  const clock = new ManualClock('2026-11-26T01:00:00.000Z');
  let commands: ReturnType<typeof strictMock<CommandRepository>>;
  let kiosks: ReturnType<typeof strictMock<KioskRepository>>;
  let sockets: ReturnType<typeof strictMock<WebsocketRepository>>;
  let random: ReturnType<typeof strictMock<Random>>;
  let service: CommandService;

  beforeEach(() => {
    commands = strictMock<CommandRepository>('CommandRepository');
    kiosks = strictMock<KioskRepository>('KioskRepository');
    sockets = strictMock<WebsocketRepository>('WebsocketRepository');
    random = strictMock<Random>('Random');
    service = new CommandService(commands, kiosks, sockets, clock, random, silentLogger());
  });

  it('builds the full command (id, issuedAt, expiresAt from ttl) and queues it for an offline kiosk', async () => {
    kiosks.findById.mockResolvedValue(kiosk);
    random.uuidv7.mockReturnValue(commandId);
    commands.insert.mockResolvedValue(undefined);
    sockets.isOnline.mockReturnValue(false);

    expect(await service.create(kioskId, { type: 'ping', params: {}, ttlSeconds: 90 })).toEqual({ commandId });
    expect(commands.insert).toHaveBeenCalledWith(kioskId, {
      commandId,
      type: 'ping',
      params: {},
      issuedAt: '2026-11-26T01:00:00.000Z',
      expiresAt: '2026-11-26T01:01:30.000Z',
    });
    expect(sockets.sendCommand).not.toHaveBeenCalled();
  });

  it('refuses params the protocol does not accept for that type, storing nothing', async () => {
    kiosks.findById.mockResolvedValue(kiosk);
    random.uuidv7.mockReturnValue(commandId);
    const error = await service.create(kioskId, { type: 'device.reset', params: { deviceId: '' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolException);
    expect((error as ProtocolException).failure.error).toMatchObject({ code: 'invalid_message', issues: [{ path: 'params.deviceId' }] });
    expect(commands.insert).not.toHaveBeenCalled();
  });

  it('refuses a command for an unknown kiosk with not_found', async () => {
    kiosks.findById.mockResolvedValue(undefined);
    await expect(service.create(kioskId, { type: 'ping', params: {} })).rejects.toMatchObject({ code: 'not_found' });
  });

  const pending = { commandId, type: 'ping' as const, params: {}, issuedAt: '2026-11-26T00:59:00.000Z', expiresAt: '2026-11-26T02:00:00.000Z' };

  it('expires what is due, then sends pending commands and marks them delivered on an ok receipt', async () => {
    commands.expireDue.mockResolvedValue(1);
    commands.pendingForKiosk.mockResolvedValue([pending]);
    sockets.isOnline.mockReturnValue(true);
    sockets.sendCommand.mockResolvedValue({ ok: true, duplicate: false });
    commands.markDelivered.mockResolvedValue(true);

    await service.deliverPending(kioskId);
    expect(commands.expireDue).toHaveBeenCalledWith('2026-11-26T01:00:00.000Z');
    expect(commands.pendingForKiosk).toHaveBeenCalledWith(kioskId, '2026-11-26T01:00:00.000Z');
    expect(sockets.sendCommand).toHaveBeenCalledWith(kioskId, pending, expect.any(Number));
    expect(commands.markDelivered).toHaveBeenCalledWith(commandId, '2026-11-26T01:00:00.000Z');
  });

  it('leaves a command queued when the send fails or the receipt is malformed', async () => {
    commands.expireDue.mockResolvedValue(0);
    commands.pendingForKiosk.mockResolvedValue([pending]);
    sockets.isOnline.mockReturnValue(true);
    sockets.sendCommand.mockRejectedValueOnce(new Error('operation has timed out')).mockResolvedValueOnce({ ok: 'yes' });
    await service.deliverPending(kioskId);
    await service.deliverPending(kioskId);
    expect(sockets.sendCommand).toHaveBeenCalledTimes(2);
    expect(commands.markDelivered).not.toHaveBeenCalled();
  });

  it('does not send the same command twice at once', async () => {
    commands.expireDue.mockResolvedValue(0);
    commands.pendingForKiosk.mockResolvedValue([pending]);
    sockets.isOnline.mockReturnValue(true);
    let release: (receipt: unknown) => void = () => undefined;
    sockets.sendCommand.mockReturnValue(new Promise((resolve) => (release = resolve)));
    commands.markDelivered.mockResolvedValue(true);
    const first = service.deliverPending(kioskId);
    const second = service.deliverPending(kioskId);
    await second;
    release({ ok: true, duplicate: false });
    await first;
    expect(sockets.sendCommand).toHaveBeenCalledTimes(1);
    expect(commands.markDelivered).toHaveBeenCalledTimes(1);
  });
});
