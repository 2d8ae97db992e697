/**
 * The activity counts in the agent's heartbeat come from what its real drivers see, on the virtual
 * devices (AGENT_DEVICES=virtual: sandboxed pcscd with vpcd, ESC/POS and ccTalk simulators, private
 * cupsd): a card inserted in the reader, receipts and A4 jobs the printers confirmed (test pages are
 * not customer prints), sessions begun, coins into the cash box; the hourly counts and the cash box
 * are both kept across a restart (the counts in the agent database, the box in its file).
 */
import type { KioskActivity, PanelToAgentEvents } from '@kiosk/protocols';
import { minimalPdf } from '@kiosk/devices';
import type { RunningAgent } from '../src/agent';
import { MiniHub } from './support/mini-hub';
import {
  nextHeartbeatActivity,
  openLocalSockets,
  panelCommand as sendPanelCommand,
  startTestAgent,
  tempDir,
  testConfig,
  type PanelSocket,
  type UiSocket,
} from './support/agent-harness';

jest.setTimeout(60_000);

describe('activity in telemetry (virtual devices)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: MiniHub;
  let agent: RunningAgent | undefined;
  let panel: PanelSocket | undefined;
  let ui: UiSocket | undefined;

  async function start(): Promise<RunningAgent> {
    const enrolment: Record<string, string> = agent === undefined ? { AGENT_ENROLMENT_CODE: hub.createEnrolmentCode('kiosk-activity-test') } : {};
    const config = testConfig(tmp.dir, hub, { ...enrolment, AGENT_DEVICES: 'virtual' });
    const started = await startTestAgent(hub, config);
    ({ panel, ui } = openLocalSockets(started.ui.url));
    return started;
  }

  async function stop(): Promise<void> {
    panel?.close();
    ui?.close();
    await agent?.stop();
  }

  function panelCommand(command: keyof PanelToAgentEvents, payload: unknown): Promise<unknown> {
    return sendPanelCommand(panel, command, payload);
  }

  function waitForActivity(what: string, check: (activity: KioskActivity) => boolean): Promise<KioskActivity> {
    return nextHeartbeatActivity(hub, what, check);
  }

  beforeAll(async () => {
    tmp = tempDir('agent-activity');
    hub = new MiniHub();
    await hub.start();
    agent = await start();
  });

  afterAll(async () => {
    await stop();
    await hub?.stop();
    tmp?.cleanup();
  });

  it('starts at zero with an empty cash box', async () => {
    expect(await waitForActivity('a heartbeat', () => true)).toEqual({
      windowSeconds: 3600,
      cardReads: 0,
      receiptPrints: 0,
      documentPrints: 0,
      transactions: 0,
      cashBox: { coins: 0, valueYen: 0 },
    });
  });

  it('counts a card inserted in the reader', async () => {
    expect(await panelCommand('panel.card.insert', { cardId: 'toyonaka-001' })).toEqual({ ok: true });
    await waitForActivity('one card read', (activity) => activity.cardReads === 1);
    expect(await panelCommand('panel.card.remove', {})).toEqual({ ok: true });
  });

  it('counts a session begun as a transaction, and the coins it put in the cash box', async () => {
    const begun = await ui?.timeout(5000).emitWithAck('session.begin', { service: 'certificates', language: 'ja' });
    if (!begun?.ok) throw new Error('no session');
    // Coins are taken only on a payment step: stand in for the certificate flow's.
    agent?.certificates.cashPolicy.set(null, true);
    expect(await agent?.deviceServices.coinGateSettled()).toBe(true);
    expect(await panelCommand('panel.coin.insert', { coinYen: 100 })).toEqual({ ok: true });
    expect(await panelCommand('panel.coin.insert', { coinYen: 50 })).toEqual({ ok: true });
    const activity = await waitForActivity('two coins in the box', (seen) => seen.cashBox?.coins === 2);
    expect(activity).toMatchObject({ transactions: 1, cashBox: { coins: 2, valueYen: 150 } });
    expect(await ui?.timeout(5000).emitWithAck('session.end', { reason: 'done' })).toEqual({ ok: true });
    agent?.certificates.cashPolicy.set(null, false);
  });

  it('counts receipts and A4 jobs the printers confirmed, but not test pages', async () => {
    const drivers = agent?.hardware.drivers;
    await drivers?.receiptPrinter?.print({ lines: [{ text: 'ACTIVITY TEST' }] });
    await drivers?.documentPrinter?.printPdf(minimalPdf(['ACTIVITY TEST']), { jobName: 'activity-test' });
    await agent?.devices.testPrint('receipt-printer');
    await agent?.devices.testPrint('document-printer');
    expect(await waitForActivity('the prints counted', (activity) => activity.receiptPrints >= 1 && activity.documentPrints >= 1)).toMatchObject({
      receiptPrints: 1,
      documentPrints: 1,
    });
  });

  it('keeps the hourly counts and the cash box across a restart', async () => {
    await stop();
    agent = await start();
    expect(await waitForActivity('a heartbeat after the restart', () => true)).toEqual({
      windowSeconds: 3600,
      cardReads: 1,
      receiptPrints: 1,
      documentPrints: 1,
      transactions: 1,
      cashBox: { coins: 2, valueYen: 150 },
    });
  });
});
