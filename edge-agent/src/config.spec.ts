import path from 'node:path';
import { ConfigError, parseConfig } from './config';

const root = '/srv/kiosk';

describe('parseConfig', () => {
  it('fills every default from an empty environment', () => {
    const config = parseConfig({}, root);
    expect(config).toEqual({
      hubUrls: ['http://127.0.0.1:7400'],
      hubPublicUrl: 'http://127.0.0.1:7400',
      municipality: '豊中市',
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
      hardware: {
        cardReaderPattern: null,
        receiptPrinter: null,
        cashBus: null,
        coinAcceptorAddress: 2,
        hoppers: [
          { coinYen: 10, address: 3 },
          { coinYen: 50, address: 4 },
          { coinYen: 100, address: 5 },
        ],
        documentPrinterUri: null,
        barcodeScanner: null,
        pinPad: null,
      },
      panelDir: path.join(root, 'kiosk-ui/dist/panel'),
      issueRetryMs: 60_000,
      chaos: null,
      updates: { installRoot: null, releasePublicKeyFile: null },
      speech: { cacheDir: path.join(root, 'data/agent/speech'), jaVoice: null },
    });
  });

  it('reads the update supervisor\'s install root and the release public key (issue 19) as absolute paths', () => {
    const config = parseConfig({ AGENT_INSTALL_ROOT: 'install', AGENT_RELEASE_PUBLIC_KEY_FILE: '/etc/kiosk/release.pub.pem' }, root);
    expect(config.updates).toEqual({ installRoot: path.resolve('install'), releasePublicKeyFile: '/etc/kiosk/release.pub.pem' });
  });

  it('reads HUB_URL as one hub or a list of hubs, in order (issue 14)', () => {
    expect(parseConfig({ HUB_URL: 'https://hub.example.jp//' }, root).hubUrls).toEqual(['https://hub.example.jp']);
    expect(parseConfig({ HUB_URL: 'https://hub-a.example.jp:8443/, http://10.0.0.12:7400' }, root).hubUrls).toEqual([
      'https://hub-a.example.jp:8443',
      'http://10.0.0.12:7400',
    ]);
  });

  it('reads the municipality the kiosk serves (KIOSK_MUNICIPALITY), one that shares the facility system (issue 15, item 7)', () => {
    expect(parseConfig({ KIOSK_MUNICIPALITY: '吹田市' }, root).municipality).toBe('吹田市');
    expect(() => parseConfig({ KIOSK_MUNICIPALITY: '横浜市' }, root)).toThrow(/KIOSK_MUNICIPALITY/);
  });

  it('reads the hub’s public address for citizens (HUB_PUBLIC_URL), else the first hub of HUB_URL (issue 18)', () => {
    expect(parseConfig({ HUB_URL: 'http://10.0.0.11:7400,http://10.0.0.12:7400' }, root).hubPublicUrl).toBe('http://10.0.0.11:7400');
    expect(parseConfig({ HUB_URL: 'http://10.0.0.11:7400', HUB_PUBLIC_URL: 'https://shisetsu.city.example.jp/' }, root).hubPublicUrl).toBe('https://shisetsu.city.example.jp');
    expect(() => parseConfig({ HUB_PUBLIC_URL: 'shisetsu.city.example.jp' }, root)).toThrow(/HUB_PUBLIC_URL/);
  });

  it('refuses a HUB_URL list with an empty, non-http or repeated entry, naming each', () => {
    try {
      parseConfig({ HUB_URL: 'https://a.example.jp,,ftp://b.example.jp,https://a.example.jp/' }, root);
      throw new Error('parsed');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues).toEqual([
        { path: 'HUB_URL', message: 'entry 2: empty' },
        { path: 'HUB_URL', message: 'entry 3: not an http(s) URL' },
        { path: 'HUB_URL', message: 'entry 4: https://a.example.jp is listed twice' },
      ]);
    }
    expect(() => parseConfig({ HUB_URL: 'hub.example.jp' }, root)).toThrow('HUB_URL: not an http(s) URL');
  });

  it('speaks Japanese with an Open JTalk voice file when one is named, and refuses anything else', () => {
    expect(parseConfig({ AGENT_SPEECH_JA_VOICE: '/usr/share/hts-voice/m001.htsvoice' }, root).speech.jaVoice).toBe('/usr/share/hts-voice/m001.htsvoice');
    expect(() => parseConfig({ AGENT_SPEECH_JA_VOICE: '/usr/share/voice.wav' }, root)).toThrow('AGENT_SPEECH_JA_VOICE');
  });

  it('reads a real kiosk\'s devices by stable identities', () => {
    const config = parseConfig(
      {
        AGENT_DEVICES: 'real',
        AGENT_CARD_READER_PATTERN: 'SCR 3310',
        AGENT_RECEIPT_PRINTER: '/dev/serial/by-id/usb-EPSON_TM-T88V-if00',
        AGENT_CASH_BUS: 'usb:0403:6001:A10KX3Q2',
        AGENT_COIN_ACCEPTOR_ADDRESS: '2',
        AGENT_HOPPERS: '100@3, 10@4',
        AGENT_DOCUMENT_PRINTER_URI: 'ipp://127.0.0.1:631/printers/kiosk-a4',
        AGENT_BARCODE_SCANNER: 'hid:05e0:1200',
        AGENT_PIN_PAD: 'hid:0b00:0064:PAD42',
        AGENT_PANEL_DIR: '/opt/panel',
      },
      root,
    );
    expect(config.devices).toBe('real');
    expect(config.panelDir).toBe('/opt/panel');
    expect(config.hardware).toEqual({
      cardReaderPattern: 'SCR 3310',
      receiptPrinter: { path: '/dev/serial/by-id/usb-EPSON_TM-T88V-if00' },
      cashBus: { usb: { vendorId: 0x0403, productId: 0x6001, serialNumber: 'A10KX3Q2' } },
      coinAcceptorAddress: 2,
      hoppers: [
        { coinYen: 100, address: 3 },
        { coinYen: 10, address: 4 },
      ],
      documentPrinterUri: 'ipp://127.0.0.1:631/printers/kiosk-a4',
      barcodeScanner: { vendorId: 0x05e0, productId: 0x1200 },
      pinPad: { vendorId: 0x0b00, productId: 0x0064, serialNumber: 'PAD42' },
    });
    expect(parseConfig({ AGENT_HOPPERS: 'none' }, root).hardware.hoppers).toEqual([]);
  });

  it('refuses device settings that would find the wrong device, naming each', () => {
    try {
      parseConfig(
        {
          AGENT_DEVICES: 'fake',
          AGENT_RECEIPT_PRINTER: '/dev/ttyUSB0',
          AGENT_CASH_BUS: 'COM3',
          AGENT_HOPPERS: '5@3',
          AGENT_BARCODE_SCANNER: 'usb:05e0:1200',
          AGENT_DOCUMENT_PRINTER_URI: 'lpd://printer/queue',
        },
        root,
      );
      throw new Error('parsed');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      // Schema errors come first; the identity checks run once the schema passes.
      expect((error as ConfigError).issues.map((issue) => issue.path).sort()).toEqual(['AGENT_DEVICES', 'AGENT_DOCUMENT_PRINTER_URI']);
    }
    try {
      parseConfig({ AGENT_RECEIPT_PRINTER: '/dev/ttyUSB0', AGENT_CASH_BUS: 'COM3', AGENT_HOPPERS: '5@3', AGENT_BARCODE_SCANNER: 'usb:05e0:1200' }, root);
      throw new Error('parsed');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const issues = (error as ConfigError).issues;
      expect(issues.map((issue) => issue.path).sort()).toEqual(['AGENT_BARCODE_SCANNER', 'AGENT_CASH_BUS', 'AGENT_HOPPERS', 'AGENT_RECEIPT_PRINTER']);
      expect(issues.find((issue) => issue.path === 'AGENT_RECEIPT_PRINTER')?.message).toMatch(/by-id/);
    }
    expect(() => parseConfig({ AGENT_CASH_BUS: '/dev/serial/by-id/cash', AGENT_HOPPERS: '10@2' }, root)).toThrow(/coin acceptor/);
    expect(() => parseConfig({ AGENT_HOPPERS: '10@3,10@4' }, root)).toThrow(/one hopper per coin value/);
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
        AGENT_ISSUE_RETRY_MS: '15000',
        KIOSK_CHAOS: 'agent-crash-on-ack:3',
        KIOSK_TEST_HOOKS: '1',
        UNRELATED: '',
      },
      root,
    );
    expect(config).toMatchObject({
      hubUrls: ['https://hub.example.jp:8443'],
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
      issueRetryMs: 15_000,
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
    expect(parseConfig({ KIOSK_CHAOS: 'agent-crash-after-credit:2', KIOSK_TEST_HOOKS: '1' }, root).chaos).toEqual({ kind: 'agent-crash-after-credit', coinNumber: 2 });
  });

  it('refuses KIOSK_CHAOS outside tests and with real devices, at start-up (issue 15)', () => {
    expect(() => parseConfig({ KIOSK_CHAOS: 'agent-crash-after-payment' }, root)).toThrow(/KIOSK_CHAOS: .*KIOSK_TEST_HOOKS=1/);
    expect(() => parseConfig({ KIOSK_CHAOS: 'agent-crash-after-payment', AGENT_DEVICES: 'virtual', KIOSK_TEST_HOOKS: '0' }, root)).toThrow(ConfigError);
    expect(() => parseConfig({ KIOSK_CHAOS: 'agent-crash-after-payment', AGENT_DEVICES: 'real', KIOSK_TEST_HOOKS: '1' }, root)).toThrow(/AGENT_DEVICES=real/);
    expect(parseConfig({ KIOSK_CHAOS: 'agent-crash-after-payment', AGENT_DEVICES: 'virtual', KIOSK_TEST_HOOKS: '1' }, root).chaos).toEqual({
      kind: 'agent-crash-after-payment',
    });
    // The flag alone switches nothing on.
    expect(parseConfig({ KIOSK_TEST_HOOKS: '1' }, root).chaos).toBeNull();
  });
});
