import {
  DEVICE_PANEL_NAMESPACE,
  DevicePanelStateSchema,
  failure,
  panelToAgentSchemas,
  parseMessage,
  type AgentToPanelEvents,
  type DevicePanelState,
  type PanelCommandAck,
  type PanelCommandName,
  type PanelToAgentEvents,
} from '@kiosk/protocols';
import type { Namespace } from 'socket.io';
import { ProblemLog } from '../src/shared/background';
import { browserTimers } from '../src/shared/timers';
import { PanelController, type OutcomeSink } from '../src/panel/panel-controller';
import { PanelLink, panelSocket, type PanelLinkEvents, type PanelLinkState } from '../src/panel/panel-link';
import type { CommandOutcome } from '../src/panel/panel-model';
import { eventually, startServer } from './support';

/**
 * The device panel's link and controller against a real socket.io `/panel` namespace on loopback, playing
 * the agent's side with the protocol's own schemas (the agent's tests cover the real agent).
 */

const since = '2026-11-26T01:00:00.000Z';

function panelState(overrides: Partial<DevicePanelState> = {}): DevicePanelState {
  return DevicePanelStateSchema.parse({
    devices: [{ deviceId: 'virtual-receipt-printer', kind: 'receipt-printer', status: 'ok', reasons: [], since }],
    receiptPrinter: { paper: 'ok', cover: 'closed', jam: false },
    coinAcceptor: { coinJam: false, cashBoxCount: 0 },
    hopper: { empty: false, coins: [{ coinYen: 100, count: 10 }] },
    insertedCard: null,
    cards: [{ cardId: 'resident-1', label: 'テスト 太郎 (test resident 1)', kind: 'my-number' }],
    barcodePresets: [],
    receipts: [],
    documents: [],
    ...overrides,
  });
}

/** What the panel store does with the events, without Svelte. */
class Screen implements PanelLinkEvents, OutcomeSink {
  shown: DevicePanelState | null = null;
  linkState: PanelLinkState = 'connecting';
  outcomes: CommandOutcome[] = [];
  link(state: PanelLinkState): void {
    this.linkState = state;
  }
  state(state: DevicePanelState): void {
    this.shown = state;
  }
  outcome(outcome: CommandOutcome): void {
    this.outcomes.push(outcome);
  }
}

describe('device panel ⇄ agent over a real /panel socket', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let ns: Namespace<PanelToAgentEvents, AgentToPanelEvents>;
  let current: DevicePanelState;
  let received: { name: PanelCommandName; payload: unknown }[];
  let answer: (name: PanelCommandName) => PanelCommandAck | 'silence' | 'garbage';
  let screen: Screen;
  let problems: ProblemLog;
  let link: PanelLink;
  let controller: PanelController;

  /** The agent's side: validates each command with the protocol schema, records it, answers. */
  function handle(name: PanelCommandName, payload: unknown, ack: (result: PanelCommandAck) => void): void {
    const parsed = parseMessage(panelToAgentSchemas[name], payload, name);
    if (!parsed.ok) {
      ack(parsed);
      return;
    }
    received.push({ name, payload: parsed.value });
    const reply = answer(name);
    if (reply === 'silence') return;
    if (reply === 'garbage') (ack as unknown as (raw: unknown) => void)({ ok: 'sure' });
    else ack(reply);
  }

  beforeEach(async () => {
    server = await startServer();
    ns = server.io.of(DEVICE_PANEL_NAMESPACE);
    current = panelState();
    received = [];
    answer = () => ({ ok: true });
    ns.on('connection', (socket) => {
      socket.on('panel.state.get', (ack) => ack(current));
      socket.on('panel.coin.insert', (payload, ack) => handle('panel.coin.insert', payload, ack));
      socket.on('panel.card.insert', (payload, ack) => handle('panel.card.insert', payload, ack));
      socket.on('panel.printer.set', (payload, ack) => handle('panel.printer.set', payload, ack));
      socket.on('panel.scanner.scan', (payload, ack) => handle('panel.scanner.scan', payload, ack));
      socket.on('panel.pinpad.press', (payload, ack) => handle('panel.pinpad.press', payload, ack));
    });

    screen = new Screen();
    problems = new ProblemLog();
    // An ack timeout short enough for the "agent never answers" case yet long enough for a loaded CI machine
    // (the first state request must not time out); rejoin long enough to observe "down".
    link = new PanelLink(panelSocket(`${server.url}${DEVICE_PANEL_NAMESPACE}`), screen, problems.report, browserTimers, 2000, 300);
    controller = new PanelController(link, screen, problems.report);
    link.start();
    await eventually(() => expect(screen.shown).not.toBeNull(), 10_000);
  });

  afterEach(async () => {
    link.stop();
    await server.close();
  });

  it('asks for the state on connect and follows pushes', async () => {
    expect(screen.linkState).toBe('up');
    expect(screen.shown?.insertedCard).toBeNull();
    ns.emit('panel.state', panelState({ insertedCard: { cardId: 'resident-1', label: 'テスト 太郎 (test resident 1)' } }));
    await eventually(() => expect(screen.shown?.insertedCard?.cardId).toBe('resident-1'));
  });

  it('ignores and reports a state that does not match the schema, keeping the last good one', async () => {
    // Deliberately malformed: a card in the slot that the list does not have.
    (ns as unknown as Namespace).emit('panel.state', { ...current, insertedCard: { cardId: 'stranger', label: 'x' } });
    ns.emit('panel.state', panelState({ receipts: [{ printedAt: since, text: '領収書' }] }));
    await eventually(() => expect(screen.shown?.receipts).toHaveLength(1));
    expect(screen.shown?.insertedCard).toBeNull();
    expect(problems.entries.map((entry) => entry.what)).toEqual(['panel.state push']);
  });

  it('sends commands the agent accepts and says so', async () => {
    controller.send('panel.coin.insert', { coinYen: 500 });
    controller.send('panel.printer.set', { cover: 'open' });
    controller.send('panel.pinpad.press', { key: 'enter' });
    await eventually(() => expect(screen.outcomes).toHaveLength(3));
    expect(received).toEqual([
      { name: 'panel.coin.insert', payload: { coinYen: 500 } },
      { name: 'panel.printer.set', payload: { cover: 'open' } },
      { name: 'panel.pinpad.press', payload: { key: 'enter' } },
    ]);
    expect(screen.outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(new Set(screen.outcomes.map((outcome) => outcome.seq)).size).toBe(3);
    expect(problems.entries).toEqual([]);
  });

  it('shows the agent’s refusal with its code', async () => {
    answer = () => failure('not_found', 'no card "resident-9" in this demo');
    controller.send('panel.card.insert', { cardId: 'resident-9' });
    await eventually(() => expect(screen.outcomes).toHaveLength(1));
    expect(screen.outcomes[0]).toMatchObject({
      command: 'panel.card.insert',
      ok: false,
      failure: { kind: 'rejected', error: { code: 'not_found' } },
    });
  });

  it('tells a malformed ack and a missing ack apart', async () => {
    answer = () => 'garbage';
    controller.send('panel.coin.insert', { coinYen: 10 });
    await eventually(() => expect(screen.outcomes).toHaveLength(1));
    answer = () => 'silence';
    controller.send('panel.coin.insert', { coinYen: 10 });
    await eventually(() => expect(screen.outcomes).toHaveLength(2), 6000);
    expect(screen.outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.failure.kind))).toEqual(['malformed', 'timeout']);
  });

  it('refuses a scan that is not 8 digits without sending it, and sends a full-width one as ASCII', async () => {
    expect(controller.scan('1234567')).toBe(false);
    expect(screen.outcomes).toMatchObject([{ command: 'panel.scanner.scan', ok: false, failure: { kind: 'invalid-barcode' } }]);
    expect(controller.scan('１２３４ ５６７８')).toBe(true);
    await eventually(() => expect(screen.outcomes).toHaveLength(2));
    expect(received).toEqual([{ name: 'panel.scanner.scan', payload: { barcode: '12345678' } }]);
  });

  it('refuses commands while the agent is away instead of buffering them, and rejoins', async () => {
    let connections = 0;
    ns.on('connection', () => (connections += 1));
    ns.disconnectSockets(true);
    await eventually(() => expect(screen.linkState).toBe('down'));

    controller.send('panel.pinpad.press', { key: '1' });
    await eventually(() => expect(screen.outcomes).toHaveLength(1));
    expect(screen.outcomes[0]).toMatchObject({ ok: false, failure: { kind: 'disconnected' } });

    current = panelState({ hopper: { empty: true, coins: [] } });
    await eventually(() => expect(connections).toBe(1));
    await eventually(() => expect(screen.shown?.hopper.empty).toBe(true));
    expect(screen.linkState).toBe('up');
    expect(received).toEqual([]);
  });
});
