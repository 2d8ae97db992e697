import {
  HubCommandSchema,
  LogChunkSchema,
  MAX_LOG_CHUNK_LINES,
  MAX_LOG_CHUNKS,
  MAX_LOG_LINE_CHARS,
  MAX_LOG_UPLOAD_MINUTES,
  TelemetrySchema,
  agentToHubSchemas,
} from './agent-hub';
import { AuditActionSchema, HubCommandTypeSchema, TelemetryPointSchema } from './fleet';

const base = {
  commandId: '01890a5d-ac96-774b-bcce-b302099a8057',
  issuedAt: '2025-03-01T10:00:00.000Z',
  expiresAt: '2025-03-01T11:00:00.000Z',
};

describe('maintenance commands', () => {
  it('has logs.upload with a bounded look-back of 1 to 60 whole minutes', () => {
    expect(MAX_LOG_UPLOAD_MINUTES).toBe(60);
    for (const minutes of [1, 30, 60]) expect(HubCommandSchema.safeParse({ ...base, type: 'logs.upload', params: { minutes } }).success).toBe(true);
    for (const minutes of [0, 61, 1.5, -5, '5']) expect(HubCommandSchema.safeParse({ ...base, type: 'logs.upload', params: { minutes } }).success).toBe(false);
    expect(HubCommandSchema.safeParse({ ...base, type: 'logs.upload', params: {} }).success).toBe(false);
  });

  it('has agent.restart without parameters', () => {
    expect(HubCommandSchema.safeParse({ ...base, type: 'agent.restart', params: {} }).success).toBe(true);
    expect(HubCommandSchema.safeParse({ ...base, type: 'agent.restart', params: { force: true } }).success).toBe(false);
    expect(HubCommandTypeSchema.options).toEqual(expect.arrayContaining(['logs.upload', 'agent.restart']));
  });

  it('bounds a log chunk: lines, line length, chunk index', () => {
    const chunk = { commandId: base.commandId, index: 0, final: true, lines: ['{"msg":"x"}'] };
    expect(LogChunkSchema.safeParse(chunk).success).toBe(true);
    expect(agentToHubSchemas['logs.chunk']).toBe(LogChunkSchema);
    expect(LogChunkSchema.safeParse({ ...chunk, lines: [] }).success).toBe(true);
    expect(LogChunkSchema.safeParse({ ...chunk, lines: Array.from({ length: MAX_LOG_CHUNK_LINES + 1 }, () => 'x') }).success).toBe(false);
    expect(LogChunkSchema.safeParse({ ...chunk, lines: ['x'.repeat(MAX_LOG_LINE_CHARS + 1)] }).success).toBe(false);
    expect(LogChunkSchema.safeParse({ ...chunk, index: MAX_LOG_CHUNKS }).success).toBe(false);
    expect(LogChunkSchema.safeParse({ ...chunk, index: -1 }).success).toBe(false);
    expect(LogChunkSchema.safeParse({ ...chunk, commandId: 'not-a-uuid' }).success).toBe(false);
  });

  it('audits log downloads', () => {
    expect(AuditActionSchema.options).toContain('logs.downloaded');
  });
});

describe('activity in telemetry', () => {
  const telemetry = {
    sentAt: '2025-03-01T10:00:00.000Z',
    outbox: { backlog: 0, oldestOccurredAt: null, lastSeq: 3 },
    devices: [],
    agent: { version: '0.1.0', uptimeSeconds: 10, rssBytes: 1000, outOfService: false },
  };
  const activity = { windowSeconds: 3600, cardReads: 4, receiptPrints: 2, documentPrints: 1, transactions: 3, cashBox: { coins: 12, valueYen: 1560 } };

  it('is optional (older agents) and counts only, never negative', () => {
    expect(TelemetrySchema.safeParse(telemetry).success).toBe(true);
    expect(TelemetrySchema.safeParse({ ...telemetry, activity }).success).toBe(true);
    expect(TelemetrySchema.safeParse({ ...telemetry, activity: { ...activity, cashBox: null } }).success).toBe(true);
    expect(TelemetrySchema.safeParse({ ...telemetry, activity: { ...activity, cardReads: -1 } }).success).toBe(false);
    expect(TelemetrySchema.safeParse({ ...telemetry, activity: { ...activity, resident: 'x' } }).success).toBe(false);
    expect(TelemetrySchema.safeParse({ ...telemetry, activity: { ...activity, cashBox: { coins: 1, valueYen: 1.5 } } }).success).toBe(false);
  });

  it('travels with a stored point', () => {
    const point = {
      at: '2025-03-01T10:00:00.000Z',
      sentAt: '2025-03-01T10:00:00.000Z',
      outboxBacklog: 0,
      outboxOldestOccurredAt: null,
      quarantined: null,
      rssBytes: 1000,
      uptimeSeconds: 10,
      outOfService: false,
      devices: [],
    };
    expect(TelemetryPointSchema.safeParse(point).success).toBe(true);
    expect(TelemetryPointSchema.parse({ ...point, activity })).toMatchObject({ activity });
  });
});
