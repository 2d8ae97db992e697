import {
  AlertAckRequestSchema,
  AuditEntrySchema,
  CommandViewSchema,
  ConsoleCommandRequestSchema,
  CreateUserRequestSchema,
  HubCommandSchema,
  HubCommandTypeSchema,
  KioskQuerySchema,
  KioskSummarySchema,
  StatusCountsSchema,
  consoleToHubSchemas,
  hubToConsoleSchemas,
} from './index';

const summary = {
  kioskId: 'kiosk-abcd1234',
  name: '豊中市役所 1F',
  municipality: '豊中市',
  site: '豊中市役所',
  kind: 'certificate-kiosk',
  enrolled: true,
  online: true,
  lastHeartbeatAt: null,
  outboxBacklog: 0,
  agentVersion: '1.0.0',
  outOfService: false,
  devices: [],
};

describe('console ⇄ hub fleet messages', () => {
  it('keeps the kiosk summary compatible: the fleet fields are optional', () => {
    expect(KioskSummarySchema.safeParse(summary).success).toBe(true);
    expect(KioskSummarySchema.safeParse({ ...summary, status: 'degraded', statusSince: null, activeAlerts: ['paper-out'] }).success).toBe(true);
    expect(KioskSummarySchema.safeParse({ ...summary, status: 'asleep' }).success).toBe(false);
  });

  it('knows exactly the command types the agent protocol has', () => {
    expect([...HubCommandTypeSchema.options].sort()).toEqual(HubCommandSchema.options.map((option) => option.shape.type.value).sort());
  });

  it('needs every status in a count', () => {
    expect(StatusCountsSchema.safeParse({ online: 1, degraded: 0, offline: 0, 'out-of-service': 0 }).success).toBe(true);
    expect(StatusCountsSchema.safeParse({ online: 1 }).success).toBe(false);
  });

  it('requires a real comment to acknowledge an alert', () => {
    const alertId = '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6a';
    expect(AlertAckRequestSchema.parse({ alertId, comment: '  refilled  ' })).toEqual({ alertId, comment: 'refilled' });
    expect(AlertAckRequestSchema.safeParse({ alertId, comment: '   ' }).success).toBe(false);
  });

  it('filters kiosks by known statuses and alert kinds only', () => {
    expect(KioskQuerySchema.safeParse({ status: 'offline', alert: 'any' }).success).toBe(true);
    expect(KioskQuerySchema.safeParse({ alert: 'everything' }).success).toBe(false);
    expect(KioskQuerySchema.safeParse({ extra: 1 }).success).toBe(false);
  });

  it('sends commands with their kiosk, and accounts with a long enough password', () => {
    expect(ConsoleCommandRequestSchema.safeParse({ kioskId: 'kiosk-abcd1234', type: 'ping', params: {} }).success).toBe(true);
    expect(ConsoleCommandRequestSchema.safeParse({ type: 'ping', params: {} }).success).toBe(false);
    expect(CreateUserRequestSchema.safeParse({ username: 'tanaka', password: 'short', role: 'viewer', municipality: '豊中市' }).success).toBe(false);
    expect(CreateUserRequestSchema.safeParse({ username: 'Tanaka!', password: 'long enough pw', role: 'viewer', municipality: '豊中市' }).success).toBe(false);
  });

  it('describes audit rows and command views strictly', () => {
    const hash = 'a'.repeat(64);
    const entry = {
      seq: 1,
      at: '2026-11-26T01:00:00.000Z',
      actor: 'tanaka',
      actorKind: 'user',
      action: 'command.sent',
      outcome: 'refused',
      municipality: '豊中市',
      kioskId: 'kiosk-abcd1234',
      target: null,
      detail: { reason: 'role' },
      prevHash: hash,
      hash,
    };
    expect(AuditEntrySchema.safeParse(entry).success).toBe(true);
    expect(AuditEntrySchema.safeParse({ ...entry, detail: { nested: { no: 1 } } }).success).toBe(false);
    expect(
      CommandViewSchema.safeParse({
        commandId: '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6a',
        kioskId: 'kiosk-abcd1234',
        type: 'device.test-print',
        params: { deviceId: 'receipt-printer' },
        issuedAt: '2026-11-26T01:00:00.000Z',
        expiresAt: '2026-11-26T02:00:00.000Z',
        issuedBy: 'tanaka',
        status: 'queued',
        deliveredAt: null,
        completedAt: null,
        detail: null,
      }).success,
    ).toBe(true);
  });

  it('has a schema for every push and every request with a payload', () => {
    expect(Object.keys(hubToConsoleSchemas).sort()).toEqual(['alert.updated', 'audit.appended', 'command.updated', 'fleet.overview', 'kiosk.updated', 'kiosks.updated', 'rollout.kiosk.updated', 'rollout.updated', 'session.ended']);
    expect(Object.keys(consoleToHubSchemas).sort()).toEqual(['alert.ack', 'alerts.list', 'audit.page', 'command.send', 'fleet.kiosks', 'kiosk.detail']);
  });
});
