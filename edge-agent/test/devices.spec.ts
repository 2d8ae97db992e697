/**
 * The agent with AGENT_DEVICES=virtual, end to end on the real stacks: its real drivers (PC/SC host,
 * serialport, IPP, HID decoding) reach a sandboxed pcscd with vpcd and the virtual My Number card, ESC/POS and
 * ccTalk simulators behind socat ptys, and a private cupsd; the device panel plays them over its socket.io
 * namespace; events and telemetry reach a real (mini) hub through the outbox. One agent for the whole file,
 * because starting the stacks takes seconds; tests run in order and put back what they change.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import {
  DEVICE_PANEL_NAMESPACE,
  UI_NAMESPACE,
  type AgentToPanelEvents,
  type AgentToUiEvents,
  type DevicePanelState,
  type HubCommand,
  type OutboxEvent,
  type PanelToAgentEvents,
  type UiToAgentEvents,
} from '@kiosk/protocols';
import { JpkiCard, NotMyNumberCardError } from '@kiosk/devices';
import { CUPS_PDF_ANONYMOUS_DIR } from '@kiosk/devices/virtual';
import { startAgent, type RunningAgent } from '../src/agent';
import { EnvConfigRefresher } from '../src/config-refresher';
import { MiniHub } from './support/mini-hub';
import { descendants } from './support/processes';
import { capturingLogger, tempDir, testConfig, waitFor } from './support/agent-harness';

jest.setTimeout(30_000);

type PanelSocket = Socket<AgentToPanelEvents, PanelToAgentEvents>;
type UiSocket = Socket<AgentToUiEvents, UiToAgentEvents>;

const DEVICE_IDS = ['card-reader', 'receipt-printer', 'document-printer', 'coin-acceptor', 'coin-hopper', 'barcode-scanner', 'pin-pad'];
/** Typed on the PIN pad and scanned in this file; neither may appear in any log line. */
const PIN_TYPED = '73915046';
const BARCODE_SCANNED = '10000016';

let tmp: ReturnType<typeof tempDir>;
let hub: MiniHub;
let agent: RunningAgent;
let panel: PanelSocket;
let ui: UiSocket;
let watched: string[] = [];
const states: DevicePanelState[] = [];
const logLines: string[] = [];

function latestState(): DevicePanelState {
  const state = states[states.length - 1];
  if (!state) throw new Error('no panel state yet');
  return state;
}

function hubEvents<T extends OutboxEvent['type']>(type: T): Array<Extract<OutboxEvent, { type: T }>> {
  return [...hub.events.values()].filter((event): event is Extract<OutboxEvent, { type: T }> => event.type === type);
}

function deviceHealth(deviceId: string) {
  return agent.devices.health().find((device) => device.deviceId === deviceId);
}

/** Any panel command with any payload, as a browser could send it. */
function panelCommand(command: keyof PanelToAgentEvents, payload: unknown): Promise<unknown> {
  return (panel.timeout(10_000) as unknown as { emitWithAck(event: string, payload: unknown): Promise<unknown> }).emitWithAck(command, payload);
}

function resultOf(commandId: string) {
  return hubEvents('command.result').find((event) => event.payload.commandId === commandId)?.payload;
}

async function getState(): Promise<DevicePanelState> {
  return (await panel.timeout(5000).emitWithAck('panel.state.get')) as DevicePanelState;
}

function command(type: 'device.test-print' | 'device.reset', deviceId: string): HubCommand {
  const now = Date.now();
  return { commandId: uuidv7(), type, params: { deviceId }, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString() };
}

beforeAll(async () => {
  tmp = tempDir('agent-devices');
  hub = new MiniHub();
  await hub.start();
  const config = testConfig(tmp.dir, hub, { AGENT_ENROLMENT_CODE: hub.createEnrolmentCode('kiosk-devices-test'), AGENT_DEVICES: 'virtual' });
  // Every log line, at debug, kept for the privacy checks below.
  const logger = capturingLogger(logLines);
  agent = await startAgent({ config, logger, configRefresher: new EnvConfigRefresher(config, () => config, logger) });
  const bench = agent.hardware.bench;
  if (!bench) throw new Error('AGENT_DEVICES=virtual started no virtual devices');
  watched = [tmp.dir, bench.peripheralsDir];
  const base = agent.ui.url.replace(/\/$/, '');
  panel = io(`${base}${DEVICE_PANEL_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true });
  panel.on('panel.state', (state) => states.push(state));
  ui = io(`${base}${UI_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true });
  await waitFor('the first panel state', () => states.length > 0);
});

afterAll(async () => {
  panel?.close();
  ui?.close();
  const children = descendants(process.pid).map((child) => `${child.name}`);
  await agent?.stop();
  await hub?.stop();
  // Nothing the agent started may outlive it: no pcscd, socat, cupsd, PC/SC host.
  for (const dir of watched) {
    let left = '';
    try {
      left = execFileSync('pgrep', ['-a', '-f', dir], { encoding: 'utf8' });
    } catch (error) {
      if ((error as { status?: number }).status !== 1) throw error; // 1: no process matched
    }
    expect(left).toBe('');
  }
  expect(children.length).toBeGreaterThan(0); // the check above looked at something real
  expect(descendants(process.pid).filter((child) => child.name !== 'pgrep')).toEqual([]);
  tmp?.cleanup();
});

describe('AGENT_DEVICES=virtual', () => {
  it('runs every device through its real driver, all healthy, in telemetry', async () => {
    expect(agent.devices.health().map((device) => device.deviceId).sort()).toEqual([...DEVICE_IDS].sort());
    await waitFor('every device ok', () => agent.devices.health().every((device) => device.status === 'ok'));
    await waitFor('telemetry with every device ok', () => {
      const latest = hub.telemetry[hub.telemetry.length - 1];
      return latest !== undefined && latest.devices.length === DEVICE_IDS.length && latest.devices.every((device) => device.status === 'ok');
    });
    expect(agent.hardware.drivers.cardReader?.selectedReader()?.name).toBe('Virtual PCD 00 00');
  });

  it('pushes the panel state: residents of the test CA, a foreign card, demo barcodes, device health', async () => {
    const state = await getState();
    expect(state.cards.map((card) => [card.cardId, card.kind])).toEqual([
      ['toyonaka-001', 'my-number'],
      ['toyonaka-002', 'my-number'],
      ['toyonaka-003', 'my-number'],
      ['toyonaka-004', 'my-number'],
      ['not-my-number-card', 'not-my-number'],
    ]);
    expect(state.cards[3]?.label).toContain('失効');
    expect(state.barcodePresets.length).toBeGreaterThan(0);
    expect(state.devices.map((device) => device.deviceId).sort()).toEqual([...DEVICE_IDS].sort());
    expect(state).toMatchObject({ receiptPrinter: { paper: 'ok', cover: 'closed', jam: false }, insertedCard: null });
  });

  it('paper out from the panel: receipt printer error in telemetry and a device.health.changed event', async () => {
    const before = hubEvents('device.health.changed').length;
    expect(await panelCommand('panel.printer.set', { paper: 'out' })).toEqual({ ok: true });
    await waitFor('the driver sees paper end', () => deviceHealth('receipt-printer')?.status === 'error');
    expect(deviceHealth('receipt-printer')?.reasons).toContain('paper-end');
    await waitFor('telemetry says paper end', () =>
      hub.telemetry.some((telemetry) => telemetry.devices.some((device) => device.deviceId === 'receipt-printer' && device.reasons.includes('paper-end'))),
    );
    await waitFor('the event reached the hub', () =>
      hubEvents('device.health.changed').some((event) => event.payload.deviceId === 'receipt-printer' && event.payload.reasons.includes('paper-end')),
    );
    await waitFor('the panel shows it', () => latestState().receiptPrinter.paper === 'out');

    expect(await panelCommand('panel.printer.set', { paper: 'ok' })).toEqual({ ok: true });
    await waitFor('paper back', () => deviceHealth('receipt-printer')?.status === 'ok');
    await waitFor('the ok event reached the hub', () =>
      hubEvents('device.health.changed').some((event) => event.payload.deviceId === 'receipt-printer' && event.payload.status === 'ok'),
    );
    // One event per real change (error, then ok), not one per status poll.
    const printerEvents = hubEvents('device.health.changed')
      .slice(before)
      .filter((event) => event.payload.deviceId === 'receipt-printer');
    expect(printerEvents.map((event) => event.payload.status)).toEqual(['error', 'ok']);
  });

  it('coins: inhibited outside a payment step (no session, a session on any screen); in one, each credit is a committed cash.credit of that session', async () => {
    expect(await agent.deviceServices.coinGateSettled()).toBe(false);
    const cashBox = latestState().coinAcceptor.cashBoxCount;
    expect(await panelCommand('panel.coin.insert', { coinYen: 100 })).toEqual({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 600)); // three credit polls
    expect(hubEvents('cash.credit')).toEqual([]);
    expect(latestState().coinAcceptor.cashBoxCount).toBe(cashBox);

    const begun = await ui.timeout(5000).emitWithAck('session.begin', { service: 'certificates', language: 'ja' });
    if (!begun.ok) throw new Error(begun.error.message);
    // A session alone opens nothing: a coin is taken only on a payment step.
    expect(await agent.deviceServices.coinGateSettled()).toBe(false);
    expect(agent.hardware.bench?.peripherals.coins.snapshot().accepting).toBe(false);
    expect(await panelCommand('panel.coin.insert', { coinYen: 50 })).toEqual({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 600)); // three credit polls
    expect(hubEvents('cash.credit')).toEqual([]);
    expect(latestState().coinAcceptor.cashBoxCount).toBe(cashBox);

    // Standing in for the certificate flow's payment step (money on the session's transaction).
    agent.certificates.cashPolicy.set(null, true);
    expect(await agent.deviceServices.coinGateSettled()).toBe(true);
    expect(agent.hardware.bench?.peripherals.coins.snapshot().accepting).toBe(true);
    expect(await panelCommand('panel.coin.insert', { coinYen: 100 })).toEqual({ ok: true });
    expect(await panelCommand('panel.coin.insert', { coinYen: 10 })).toEqual({ ok: true });
    await waitFor('both credits at the hub', () => hubEvents('cash.credit').length === 2);
    expect(hubEvents('cash.credit').map((event) => event.payload)).toEqual([
      { transactionId: begun.sessionId, coinYen: 100 },
      { transactionId: begun.sessionId, coinYen: 10 },
    ]);
    await waitFor('the cash box count', () => latestState().coinAcceptor.cashBoxCount === cashBox + 2);

    // The session ending closes it even while the payment step says open.
    expect(await ui.timeout(5000).emitWithAck('session.end', { reason: 'done' })).toEqual({ ok: true });
    expect(await agent.deviceServices.coinGateSettled()).toBe(false);
    expect(agent.hardware.bench?.peripherals.coins.snapshot().accepting).toBe(false);
    agent.certificates.cashPolicy.set(null, false);
  });

  it('card insert from the panel reaches the real reader: the certificate reads and chains to the test CA', async () => {
    expect(await panelCommand('panel.card.insert', { cardId: 'toyonaka-002' })).toEqual({ ok: true });
    const reader = agent.hardware.drivers.cardReader;
    if (!reader) throw new Error('no card reader');
    await waitFor('the reader sees the card', () => reader.selectedReader()?.cardPresent === true);
    expect(deviceHealth('card-reader')?.status).toBe('ok');
    await waitFor('the panel shows the card', () => latestState().insertedCard?.cardId === 'toyonaka-002');
    const der = await reader.withExclusiveCard((card) => new JpkiCard(card).readAuthCertificate());
    expect(new X509Certificate(der).issuer).toContain('TEST CA');

    // Swapping cards: the foreign card replaces it and is told apart.
    expect(await panelCommand('panel.card.insert', { cardId: 'not-my-number-card' })).toEqual({ ok: true });
    await waitFor('a card in the reader', () => reader.selectedReader()?.cardPresent === true);
    await expect(reader.withExclusiveCard((card) => new JpkiCard(card).readAuthCertificate())).rejects.toBeInstanceOf(NotMyNumberCardError);

    expect(await panelCommand('panel.card.remove', {})).toEqual({ ok: true });
    await waitFor('the reader is empty', () => reader.selectedReader()?.cardPresent === false);
    await waitFor('the panel slot is empty', () => latestState().insertedCard === null);
    expect(await panelCommand('panel.card.insert', { cardId: 'toyonaka-999' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('device.test-print from the hub prints on the ESC/POS simulator and on the CUPS queue', async () => {
    const receiptCommand = command('device.test-print', 'receipt-printer');
    expect(await hub.sendCommand(receiptCommand)).toEqual({ ok: true, duplicate: false });
    await waitFor('the receipt result', () => resultOf(receiptCommand.commandId) !== undefined);
    expect(resultOf(receiptCommand.commandId)?.status).toBe('succeeded');
    const captured = agent.hardware.bench?.peripherals.printer.receipts() ?? [];
    expect(captured[captured.length - 1]).toMatchObject({ cut: true, text: expect.stringContaining('TEST PRINT') });
    await waitFor('the panel shows the receipt', () => latestState().receipts[0]?.text.includes('TEST PRINT') === true);

    const documentCommand = command('device.test-print', 'document-printer');
    expect(await hub.sendCommand(documentCommand)).toEqual({ ok: true, duplicate: false });
    await waitFor('the document result', () => resultOf(documentCommand.commandId) !== undefined, 20_000);
    expect(resultOf(documentCommand.commandId)?.status).toBe('succeeded');
    await waitFor('the panel lists the completed CUPS job', () => latestState().documents.length > 0);
    const printed = latestState().documents[0];
    expect(printed).toMatchObject({ jobId: expect.any(Number), pages: expect.any(Number), inTray: true });
    const jobId = printed?.jobId ?? 0;

    // The paper is a PDF in the agent's own tray (its data dir), 0700 / 0600, not in the shared CUPS-PDF spool.
    const trayDir = path.join(tmp.dir, 'agent', 'devices', 'a4-tray');
    const inTray = readdirSync(trayDir).filter((name) => name.endsWith(`-job_${jobId}.pdf`));
    expect(inTray).toHaveLength(1);
    expect(statSync(trayDir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(trayDir, inTray[0] ?? '')).mode & 0o777).toBe(0o600);
    expect((existsSync(CUPS_PDF_ANONYMOUS_DIR) ? readdirSync(CUPS_PDF_ANONYMOUS_DIR) : []).filter((name) => inTray.includes(name))).toEqual([]);

    // "Take the certificate" on the panel: the file is gone, the list says taken; a second take finds nothing.
    expect(await panelCommand('panel.document.take', { jobId })).toEqual({ ok: true });
    expect(readdirSync(trayDir).filter((name) => name.endsWith(`-job_${jobId}.pdf`))).toEqual([]);
    await waitFor('the panel shows the document taken', () => latestState().documents.find((document) => document.jobId === jobId)?.inTray === false);
    expect(await panelCommand('panel.document.take', { jobId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await panelCommand('panel.document.take', { jobId: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });

    const reset = command('device.reset', 'receipt-printer');
    expect(await hub.sendCommand(reset)).toEqual({ ok: true, duplicate: false });
    await waitFor('the reset result', () => resultOf(reset.commandId) !== undefined);
    expect(resultOf(reset.commandId)?.status).toBe('succeeded');
  });

  it('a test print on paper end fails, and says so to the hub', async () => {
    expect(await panelCommand('panel.printer.set', { paper: 'out' })).toEqual({ ok: true });
    await waitFor('paper end seen', () => deviceHealth('receipt-printer')?.reasons.includes('paper-end') === true);
    const failing = command('device.test-print', 'receipt-printer');
    await hub.sendCommand(failing);
    await waitFor('the failed result', () => resultOf(failing.commandId) !== undefined);
    expect(resultOf(failing.commandId)).toMatchObject({ status: 'failed', detail: expect.stringContaining('paper') });
    expect(await panelCommand('panel.printer.set', { paper: 'ok' })).toEqual({ ok: true });
    await waitFor('paper back', () => deviceHealth('receipt-printer')?.status === 'ok');
  });

  it('PIN-pad keys reach the PIN entry as a count only; a scan reaches the scanner input; neither is logged', async () => {
    const begun = await ui.timeout(5000).emitWithAck('session.begin', { service: 'lottery', language: 'ja' });
    expect(begun.ok).toBe(true);
    for (const key of PIN_TYPED) expect(await panelCommand('panel.pinpad.press', { key })).toEqual({ ok: true });
    await waitFor('eight digits typed', () => agent.deviceServices.pinEntry.state().digits === PIN_TYPED.length);
    expect(await panelCommand('panel.pinpad.press', { key: 'clear' })).toEqual({ ok: true });
    await waitFor('cleared', () => agent.deviceServices.pinEntry.state().digits === 0);

    // The lottery sign-in takes the card as soon as it is read, so listen rather than take().
    const scanned: string[] = [];
    const stopListening = agent.deviceServices.barcodes.onCard((card) => scanned.push(card.userNumber));
    expect(await panelCommand('panel.scanner.scan', { barcode: BARCODE_SCANNED })).toEqual({ ok: true });
    await waitFor('the scan arrived', () => scanned.includes(BARCODE_SCANNED));
    stopListening();
    expect(await ui.timeout(5000).emitWithAck('session.end', { reason: 'done' })).toEqual({ ok: true });

    expect(JSON.stringify(states)).not.toContain(PIN_TYPED);
    // The capture works: the scan itself was logged (by its fact, not its number).
    expect(logLines.some((line) => line.includes('facility user card scanned'))).toBe(true);
    expect(logLines.filter((line) => line.includes(PIN_TYPED) || line.includes(BARCODE_SCANNED))).toEqual([]);
  });

  it('hopper and coin faults from the panel show in the drivers health and the panel', async () => {
    expect(await panelCommand('panel.hopper.set', { empty: true })).toEqual({ ok: true });
    await waitFor('the panel shows the hoppers empty', () => latestState().hopper.empty && latestState().hopper.coins.every((coin) => coin.count === 0));
    await waitFor('the hopper driver reports it', () => deviceHealth('coin-hopper')?.reasons.includes('hopper-empty') === true, 15_000);
    expect(await panelCommand('panel.hopper.set', { empty: false })).toEqual({ ok: true });
    await waitFor('coins back', () => !latestState().hopper.empty && latestState().hopper.coins.every((coin) => coin.count > 0));
    await waitFor('the hopper is ok again', () => deviceHealth('coin-hopper')?.status === 'ok', 15_000);

    expect(await panelCommand('panel.coin.set', { coinJam: true })).toEqual({ ok: true });
    await waitFor('the panel shows the jam', () => latestState().coinAcceptor.coinJam);
    expect(await panelCommand('panel.coin.set', { coinJam: false })).toEqual({ ok: true });
  });

  it.each<[keyof PanelToAgentEvents, unknown]>([
    ['panel.coin.insert', { coinYen: 5 }],
    ['panel.coin.insert', undefined],
    ['panel.printer.set', {}],
    ['panel.printer.set', { paper: 'low' }],
    ['panel.coin.set', { coinJam: 'yes' }],
    ['panel.hopper.set', { empty: true, coins: 3 }],
    ['panel.card.insert', { cardId: 'Resident 1' }],
    ['panel.card.remove', { cardId: 'toyonaka-001' }],
    ['panel.scanner.scan', { barcode: '1234' }],
    ['panel.pinpad.press', { key: '11' }],
    ['panel.pinpad.press', 'five'],
  ])('refuses %s with payload %p as invalid_message, changing nothing', async (name, payload) => {
    const before = JSON.stringify(await getState());
    const ack = await panelCommand(name, payload);
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(JSON.stringify(ack)).not.toContain('Resident 1');
    expect(JSON.stringify(await getState())).toBe(before);
  });
});

describe('AGENT_DEVICES=real with nothing plugged in', () => {
  it('boots with every configured device reported missing, and stops cleanly', async () => {
    const realTmp = tempDir('agent-real-devices');
    const realHub = new MiniHub();
    await realHub.start();
    let realAgent: RunningAgent | null = null;
    try {
      const config = testConfig(realTmp.dir, realHub, {
        AGENT_ENROLMENT_CODE: realHub.createEnrolmentCode('kiosk-real-test'),
        AGENT_DEVICES: 'real',
        AGENT_CARD_READER_PATTERN: 'No Such Reader 9000',
        AGENT_RECEIPT_PRINTER: `${realTmp.dir}/serial/by-id/usb-no-printer`,
        AGENT_CASH_BUS: 'usb:ffff:fffe:NO-CASH',
        AGENT_DOCUMENT_PRINTER_URI: 'ipp://127.0.0.1:9/printers/none',
        AGENT_BARCODE_SCANNER: 'hid:ffff:fffd',
        AGENT_PIN_PAD: 'hid:ffff:fffc',
      });
      realAgent = await startAgent({ config, logger: pino({ level: 'silent' }), configRefresher: new EnvConfigRefresher(config, () => config, pino({ level: 'silent' })) });
      expect(realAgent.hardware.bench).toBeNull();
      expect(realAgent.panel).toBeNull();
      const health = realAgent.devices.health();
      expect(health.map((device) => device.deviceId).sort()).toEqual([...DEVICE_IDS].sort());
      // The IPP printer is unreachable (offline: an error), everything else is not there (missing).
      expect(health.filter((device) => device.status === 'ok')).toEqual([]);
      expect(health.find((device) => device.deviceId === 'receipt-printer')).toMatchObject({ status: 'missing' });
      expect(health.find((device) => device.deviceId === 'card-reader')).toMatchObject({ status: 'missing' });
    } finally {
      await realAgent?.stop();
      await realHub.stop();
      realTmp.cleanup();
    }
  });
});
