import {
  AgentStatusSchema,
  failure,
  SessionBeginSchema,
  SessionEndSchema,
  UI_NAMESPACE,
  type AgentStatus,
  type AgentToUiEvents,
  type SessionBegin,
  type SessionEnd,
  type UiToAgentEvents,
} from '@kiosk/protocols';
import type { Namespace } from 'socket.io';
import { ProblemLog } from '../src/shared/background';
import { LinkError } from '../src/shared/link-errors';
import { browserClock, browserTimers } from '../src/shared/timers';
import { AgentLink, agentSocket } from '../src/kiosk/agent-link';
import { KioskController, type ModelStore } from '../src/kiosk/kiosk-controller';
import { initialModel, isAtHome, offlineNotice, type KioskModel } from '../src/kiosk/kiosk-model';
import { eventually, startServer } from './support';

/**
 * The kiosk's controller and agent link against a real socket.io `/ui` namespace on loopback, playing
 * the agent's side of the protocol (the agent's own tests cover the real agent).
 */

const SESSION_ID = '01890a5d-ac96-774b-bcce-b302099a8057';

function agentStatus(overrides: Partial<AgentStatus> = {}): AgentStatus {
  return AgentStatusSchema.parse({
    kioskId: 'toyonaka-001',
    hubConnected: true,
    lastHubContactAt: '2024-06-01T12:00:00Z',
    outOfService: false,
    devices: [],
    ...overrides,
  });
}

class Store implements ModelStore {
  model: KioskModel = initialModel();
  set(model: KioskModel): void {
    this.model = model;
  }
}

describe('kiosk ⇄ agent over a real /ui socket', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let ui: Namespace<UiToAgentEvents, AgentToUiEvents>;
  let current: AgentStatus;
  let begins: SessionBegin[];
  let ends: SessionEnd[];
  let refuseBegin: boolean;
  let store: Store;
  let problems: ProblemLog;
  let link: AgentLink;
  let controller: KioskController;

  beforeEach(async () => {
    server = await startServer();
    ui = server.io.of(UI_NAMESPACE);
    current = agentStatus();
    begins = [];
    ends = [];
    refuseBegin = false;
    ui.on('connection', (socket) => {
      socket.on('status.get', (ack) => ack(current));
      socket.on('session.begin', (request, ack) => {
        begins.push(SessionBeginSchema.parse(request));
        ack(refuseBegin ? failure('unauthorized', 'out of service') : { ok: true, sessionId: SESSION_ID });
      });
      socket.on('session.end', (request, ack) => {
        ends.push(SessionEndSchema.parse(request));
        ack({ ok: true });
      });
    });

    store = new Store();
    problems = new ProblemLog();
    const socket = agentSocket(`${server.url}${UI_NAMESPACE}`);
    link = new AgentLink(
      socket,
      {
        link: (state) => controller.dispatch({ type: 'link', link: state }),
        status: (status) => controller.dispatch({ type: 'status', status }),
      },
      problems.report,
      browserTimers,
      2000,
      // Long enough that the "refused while disconnected" check below runs before the rejoin.
      500,
    );
    controller = new KioskController(store, link, {
      idleMs: 300,
      clock: browserClock,
      timers: browserTimers,
      report: problems.report,
    });
    link.start();
    await eventually(() => expect(store.model.status).not.toBeNull());
  });

  afterEach(async () => {
    controller.dispose();
    link.stop();
    await server.close();
  });

  it('asks for the status on connect and follows status pushes', async () => {
    expect(store.model.link).toBe('up');
    expect(offlineNotice(store.model)).toBeNull();

    ui.emit('status', agentStatus({ hubConnected: false, lastHubContactAt: null }));
    await eventually(() => expect(offlineNotice(store.model)).toBe('hub'));

    ui.emit('status', agentStatus({ hubConnected: true }));
    await eventually(() => expect(offlineNotice(store.model)).toBeNull());
  });

  it('ignores and reports a status that does not match the schema', async () => {
    const before = store.model;
    // Deliberately malformed: what a buggy or hostile sender might push.
    (ui as unknown as Namespace).emit('status', { hubConnected: 'yes' });
    ui.emit('status', agentStatus({ outOfService: true }));
    await eventually(() => expect(store.model.status?.outOfService).toBe(true));
    expect(before.status?.outOfService).toBe(false);
    expect(problems.entries.map((entry) => entry.what)).toEqual(['status push']);
  });

  it('begins a session on a tile and ends it as cancelled on Back', async () => {
    controller.dispatch({ type: 'select-language', language: 'en' });
    controller.dispatch({ type: 'choose-service', service: 'certificates' });
    await eventually(() => expect(begins).toEqual([{ service: 'certificates', language: 'en' }]));

    controller.dispatch({ type: 'back' });
    await eventually(() => expect(ends).toEqual([{ reason: 'cancelled' }]));
    expect(problems.entries).toEqual([]);
  });

  it('idle timeout ends the session, returns to attract and resets the language', async () => {
    controller.dispatch({ type: 'select-language', language: 'ko' });
    controller.dispatch({ type: 'choose-service', service: 'lottery' });
    await eventually(() => expect(ends).toEqual([{ reason: 'idle-timeout' }]));
    expect(isAtHome(store.model)).toBe(true);
    expect(store.model.language).toBe('ja');
  });

  it('reports a refused session.begin as a rejected LinkError', async () => {
    refuseBegin = true;
    await expect(link.beginSession({ service: 'lottery', language: 'ja' })).rejects.toMatchObject({
      name: 'LinkError',
      failure: 'rejected',
    });
  });

  it('shows the agent notice when the agent hangs up, refuses requests meanwhile, and rejoins', async () => {
    let reconnections = 0;
    ui.on('connection', () => (reconnections += 1));
    ui.disconnectSockets(true);
    await eventually(() => expect(offlineNotice(store.model)).toBe('agent'));

    // Not buffered for later: refused at once while disconnected.
    await expect(link.endSession({ reason: 'done' })).rejects.toEqual(expect.any(LinkError));
    await expect(link.endSession({ reason: 'done' })).rejects.toMatchObject({ failure: 'disconnected' });

    current = agentStatus({ hubConnected: false });
    await eventually(() => expect(reconnections).toBe(1));
    await eventually(() => expect(offlineNotice(store.model)).toBe('hub'));
    expect(ends).toEqual([]);
  });
});
