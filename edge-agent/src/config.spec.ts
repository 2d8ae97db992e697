import path from 'node:path';
import { ConfigError, parseConfig } from './config';

const root = '/srv/kiosk';

describe('parseConfig', () => {
  it('fills every default from an empty environment', () => {
    const config = parseConfig({}, root);
    expect(config).toEqual({
      hubUrl: 'http://127.0.0.1:7400',
      dataDir: path.join(root, 'data/agent'),
      databaseFile: path.join(root, 'data/agent/agent.sqlite'),
      identityFile: path.join(root, 'data/agent/identity.json'),
      enrolmentCode: null,
      uiPort: 7401,
      uiDir: path.join(root, 'kiosk-ui/dist/kiosk'),
      heartbeatMs: 15_000,
      batchSize: 500,
      ackTimeoutMs: 10_000,
      reconnectMinMs: 500,
      reconnectMaxMs: 5_000,
      outboxPollMs: 500,
      logLevel: 'info',
      devices: 'none',
      chaos: null,
    });
  });

  it('reads every variable, treating empty ones as unset', () => {
    const config = parseConfig(
      {
        HUB_URL: 'https://hub.example.jp:8443/',
        AGENT_DATA_DIR: '/var/lib/agent',
        AGENT_ENROLMENT_CODE: ' ABCD-1234-EFGH ',
        AGENT_UI_PORT: '0',
        AGENT_UI_DIR: '/opt/ui',
        AGENT_HEARTBEAT_MS: '1000',
        AGENT_BATCH_SIZE: '1000',
        AGENT_ACK_TIMEOUT_MS: '2500',
        AGENT_RECONNECT_MIN_MS: '200',
        AGENT_RECONNECT_MAX_MS: '1000',
        AGENT_DEVICES: 'virtual',
        LOG_LEVEL: 'debug',
        KIOSK_CHAOS: 'agent-crash-on-ack:3',
        UNRELATED: '',
      },
      root,
    );
    expect(config).toMatchObject({
      hubUrl: 'https://hub.example.jp:8443',
      databaseFile: '/var/lib/agent/agent.sqlite',
      enrolmentCode: 'ABCD-1234-EFGH',
      uiPort: 0,
      uiDir: '/opt/ui',
      heartbeatMs: 1000,
      batchSize: 1000,
      ackTimeoutMs: 2500,
      reconnectMinMs: 200,
      reconnectMaxMs: 1000,
      devices: 'virtual',
      logLevel: 'debug',
      chaos: { kind: 'agent-crash-on-ack', ackNumber: 3 },
    });
    expect(parseConfig({ AGENT_UI_PORT: '', LOG_LEVEL: '' }, root)).toMatchObject({ uiPort: 7401, logLevel: 'info' });
  });

  it('refuses bad values and names each variable', () => {
    const bad = () =>
      parseConfig({ AGENT_BATCH_SIZE: '1001', AGENT_UI_PORT: 'eighty', HUB_URL: 'ftp://hub', LOG_LEVEL: 'loud' }, root);
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (error) {
      const paths = (error as ConfigError).issues.map((issue) => issue.path).sort();
      expect(paths).toEqual(['AGENT_BATCH_SIZE', 'AGENT_UI_PORT', 'HUB_URL', 'LOG_LEVEL']);
    }
  });

  it('refuses a reconnect range whose minimum exceeds its maximum', () => {
    expect(() => parseConfig({ AGENT_RECONNECT_MIN_MS: '6000' }, root)).toThrow(/AGENT_RECONNECT_MAX_MS/);
  });

  it('refuses an unknown agent chaos mode but ignores faults meant for other processes', () => {
    expect(() => parseConfig({ KIOSK_CHAOS: 'agent-crash-on-ack:0' }, root)).toThrow(/KIOSK_CHAOS/);
    expect(() => parseConfig({ KIOSK_CHAOS: 'agent-explode' }, root)).toThrow(/KIOSK_CHAOS/);
    expect(parseConfig({ KIOSK_CHAOS: 'hub-crash-after-commit:1' }, root).chaos).toBeNull();
  });
});
