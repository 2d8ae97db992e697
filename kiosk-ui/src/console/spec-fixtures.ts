import {
  AlertSchema,
  AuditEntrySchema,
  CommandViewSchema,
  KioskSummarySchema,
  TelemetryPointSchema,
  type Alert,
  type AuditEntry,
  type CommandView,
  type DeviceHealth,
  type KioskSummary,
  type TelemetryPoint,
} from '@kiosk/protocols';

/**
 * Builders for the console's specs: every value goes through its protocol schema, so a fixture that
 * drifts from the contract fails loudly instead of testing a shape the hub never sends.
 */

/** A valid UUIDv7 whose order follows `n` (ids are compared as strings). */
export function uuid(n: number): string {
  return `01a215c0-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function device(kind: DeviceHealth['kind'], status: DeviceHealth['status'] = 'ok', overrides: Partial<DeviceHealth> = {}): DeviceHealth {
  return { deviceId: kind, kind, status, reasons: [], since: '2024-06-01T12:00:00Z', ...overrides };
}

export function kiosk(kioskId: string, overrides: Partial<KioskSummary> = {}): KioskSummary {
  return KioskSummarySchema.parse({
    kioskId,
    name: `端末 ${kioskId}`,
    municipality: '豊中市',
    site: '豊中市役所',
    kind: 'certificate-kiosk',
    enrolled: true,
    online: true,
    lastHeartbeatAt: '2024-06-01T12:00:00Z',
    outboxBacklog: 0,
    agentVersion: '0.1.0',
    outOfService: false,
    devices: [],
    ...overrides,
  });
}

export function alert(n: number, overrides: Partial<Alert> = {}): Alert {
  return AlertSchema.parse({
    alertId: uuid(n),
    kioskId: 'kiosk-001',
    municipality: '豊中市',
    site: '豊中市役所',
    kind: 'paper-out',
    severity: 'critical',
    deviceId: 'receipt-printer',
    message: 'receipt printer: paper out',
    state: 'open',
    openedAt: `2024-06-01T12:${String(n % 60).padStart(2, '0')}:00Z`,
    clearedAt: null,
    flaps: 0,
    acknowledgedAt: null,
    acknowledgedBy: null,
    ackComment: null,
    resolvedAt: null,
    ...overrides,
  });
}

export function command(n: number, overrides: Partial<CommandView> = {}): CommandView {
  return CommandViewSchema.parse({
    commandId: uuid(n),
    kioskId: 'kiosk-001',
    type: 'ping',
    params: {},
    issuedAt: `2024-06-01T12:${String(n % 60).padStart(2, '0')}:00Z`,
    expiresAt: '2024-06-02T12:00:00Z',
    issuedBy: 'tech1',
    status: 'queued',
    deliveredAt: null,
    completedAt: null,
    detail: null,
    ...overrides,
  });
}

export function auditEntry(seq: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return AuditEntrySchema.parse({
    seq,
    at: '2024-06-01T12:00:00Z',
    actor: 'tech1',
    actorKind: 'user',
    action: 'command.sent',
    outcome: 'ok',
    municipality: '豊中市',
    kioskId: 'kiosk-001',
    target: null,
    detail: {},
    prevHash: '0'.repeat(64),
    hash: seq.toString(16).padStart(64, 'a'),
    ...overrides,
  });
}

export function telemetryPoint(at: string, overrides: Partial<TelemetryPoint> = {}): TelemetryPoint {
  return TelemetryPointSchema.parse({
    at,
    sentAt: at,
    outboxBacklog: 0,
    outboxOldestOccurredAt: null,
    quarantined: 0,
    rssBytes: 64 * 1024 * 1024,
    uptimeSeconds: 100,
    outOfService: false,
    devices: [],
    ...overrides,
  });
}
