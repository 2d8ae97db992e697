import { CommandStatusSchema, HubCommandTypeSchema } from '@kiosk/protocols';
import {
  commandAvailability,
  commandDevice,
  commandLabel,
  commandRequest,
  InvalidCommandError,
  isFinished,
  serviceDraft,
  cashCollectedDraft,
  hopperCountsDraft,
  noHopperCounts,
  upsertCommand,
  type CommandDraft,
} from './commands';
import { command, device } from './spec-fixtures';

describe('upsertCommand', () => {
  it('keeps the history newest first', () => {
    const list = [command(1), command(3), command(2)].reduce(upsertCommand, []);
    expect(list.map((c) => c.commandId.slice(-1))).toEqual(['3', '2', '1']);
  });

  it('orders commands of the same instant by their time-ordered id', () => {
    const at = '2024-06-01T12:00:00Z';
    const list = [command(7, { issuedAt: at }), command(8, { issuedAt: at })].reduce(upsertCommand, []);
    expect(list.map((c) => c.commandId.slice(-1))).toEqual(['8', '7']);
  });

  it('moves a command forward and never back (a late "queued" push after "succeeded")', () => {
    const done = upsertCommand([command(1)], command(1, { status: 'succeeded', detail: 'pong' }));
    expect(done).toEqual([command(1, { status: 'succeeded', detail: 'pong' })]);
    expect(upsertCommand(done, command(1, { status: 'queued' }))[0]?.status).toBe('succeeded');
    expect(upsertCommand(done, command(1, { status: 'delivered' }))[0]?.status).toBe('succeeded');
  });

  it('knows which statuses are final', () => {
    expect(CommandStatusSchema.options.filter((status) => isFinished(command(1, { status })))).toEqual(['succeeded', 'failed', 'expired']);
  });
});

describe('labels', () => {
  it('tells the two directions of a service change apart', () => {
    expect(commandLabel({ type: 'service.set', params: { inService: false } })).toBe('service.out');
    expect(commandLabel({ type: 'service.set', params: { inService: true } })).toBe('service.in');
    expect(commandLabel({ type: 'device.reset', params: { deviceId: 'x' } })).toBe('device.reset');
  });

  it('finds the device a command is about', () => {
    expect(commandDevice({ params: { deviceId: 'receipt-printer' } })).toBe('receipt-printer');
    expect(commandDevice({ params: {} })).toBeNull();
    expect(commandDevice({ params: { deviceId: 7 } })).toBeNull();
  });
});

describe('commandAvailability', () => {
  const devices = [device('card-reader'), device('receipt-printer')];

  it('refuses everything to a viewer (and to nobody signed in)', () => {
    expect(commandAvailability('viewer', true, devices)).toEqual({ general: 'viewer', testPrint: 'viewer', reset: 'viewer', cashCollected: 'viewer' });
    expect(commandAvailability(null, true, devices).general).toBe('viewer');
  });

  it('refuses everything while disconnected', () => {
    expect(commandAvailability('technician', false, devices)).toEqual({
      general: 'disconnected',
      testPrint: 'disconnected',
      reset: 'disconnected',
      cashCollected: 'disconnected',
    });
  });

  it('needs a printer for a test print and a device for a reset', () => {
    expect(commandAvailability('administrator', true, devices)).toEqual({ general: null, testPrint: null, reset: null, cashCollected: 'no-coin-acceptor' });
    expect(commandAvailability('technician', true, [device('card-reader')]).testPrint).toBe('no-printer');
    expect(commandAvailability('technician', true, [])).toEqual({ general: null, testPrint: 'no-printer', reset: 'no-device', cashCollected: 'no-coin-acceptor' });
  });

  it('offers "cash box emptied" only on a kiosk with a coin acceptor', () => {
    expect(commandAvailability('technician', true, [device('card-reader'), device('coin-acceptor')]).cashCollected).toBeNull();
  });
});

describe('commandRequest', () => {
  it('builds a request for every command type the protocol has', () => {
    const drafts: Record<string, CommandDraft> = {
      ping: { type: 'ping', params: {} },
      'config.refresh': { type: 'config.refresh', params: {} },
      'service.set': serviceDraft(false, '  点検のため  '),
      'device.test-print': { type: 'device.test-print', params: { deviceId: 'document-printer' } },
      'device.reset': { type: 'device.reset', params: { deviceId: 'card-reader' } },
      'logs.upload': { type: 'logs.upload', params: { minutes: 15 } },
      'agent.restart': { type: 'agent.restart', params: {} },
      'cash.collected': { type: 'cash.collected', params: { countedYen: 12_340 } },
      'agent.update': { type: 'agent.update', params: { version: '1.4.0', artefactSha256: 'a'.repeat(64), artefactBytes: 1000, chunkBytes: 1000 } },
    };
    for (const type of HubCommandTypeSchema.options) {
      const draft = drafts[type];
      if (draft === undefined) throw new Error(`no draft for ${type}`);
      expect(commandRequest('kiosk-001', draft)).toEqual({ kioskId: 'kiosk-001', ...draft });
    }
    expect(drafts['service.set']).toEqual({ type: 'service.set', params: { inService: false, reason: '点検のため' } });
  });

  it('leaves the reason out when none was typed, and when going back in service', () => {
    expect(serviceDraft(false, '   ')).toEqual({ type: 'service.set', params: { inService: false } });
    expect(serviceDraft(true, 'ignored')).toEqual({ type: 'service.set', params: { inService: true } });
  });

  it('refuses parameters the protocol would refuse, with a named error', () => {
    expect(() => commandRequest('kiosk-001', { type: 'device.reset', params: { deviceId: '' } })).toThrow(InvalidCommandError);
    expect(() => commandRequest('kiosk-001', serviceDraft(false, 'x'.repeat(201)))).toThrow(/reason/);
  });
});

describe('cashCollectedDraft', () => {
  it('sends no amount when none was typed', () => {
    expect(cashCollectedDraft('  ')).toEqual({ type: 'cash.collected', params: {} });
  });

  it('reads whole yen, with full-width digits, commas and a yen sign', () => {
    expect(cashCollectedDraft('1200')).toEqual({ type: 'cash.collected', params: { countedYen: 1200 } });
    expect(cashCollectedDraft(' ￥１，２００ ')).toEqual({ type: 'cash.collected', params: { countedYen: 1200 } });
    expect(cashCollectedDraft('0円')).toEqual({ type: 'cash.collected', params: { countedYen: 0 } });
  });

  it('refuses what is not an amount (so the confirm button stays disabled)', () => {
    expect(cashCollectedDraft('12.5')).toBeNull();
    expect(cashCollectedDraft('-100')).toBeNull();
    expect(cashCollectedDraft('abc')).toBeNull();
    expect(cashCollectedDraft('999999999')).toBeNull();
  });

  it('adds the hoppers counted: a row needs what was found and what was left; blank rows are not sent (issue 18)', () => {
    const hoppers = noHopperCounts();
    expect(cashCollectedDraft('1200', hoppers)).toEqual({ type: 'cash.collected', params: { countedYen: 1200 } });
    hoppers[10] = { found: '４０', left: '200枚' };
    hoppers[100] = { found: '7', left: '100' };
    expect(cashCollectedDraft('', hoppers)).toEqual({
      type: 'cash.collected',
      params: { hoppers: [{ coinYen: 10, foundCoins: 40, leftCoins: 200 }, { coinYen: 100, foundCoins: 7, leftCoins: 100 }] },
    });
    expect(cashCollectedDraft('1200', { ...hoppers, 50: { found: '3', left: '' } })).toBeNull();
    expect(cashCollectedDraft('1200', { ...hoppers, 50: { found: '3.5', left: '10' } })).toBeNull();
    expect(hopperCountsDraft(noHopperCounts())).toBeUndefined();
  });

  it('builds a request the protocol accepts', () => {
    const draft = cashCollectedDraft('610');
    if (draft === null) throw new Error('expected a draft');
    expect(commandRequest('kiosk-001', draft)).toEqual({ kioskId: 'kiosk-001', type: 'cash.collected', params: { countedYen: 610 } });
  });
});
