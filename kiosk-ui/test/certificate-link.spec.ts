import {
  CertificatesPinKeySchema,
  CertificatesQuoteSchema,
  failure,
  UI_NAMESPACE,
  type AgentToUiEvents,
  type CertificateViewState,
  type UiToAgentEvents,
} from '@kiosk/protocols';
import type { Namespace } from 'socket.io';
import { ProblemLog } from '../src/shared/background';
import { LinkError } from '../src/shared/link-errors';
import { browserClock, browserTimers } from '../src/shared/timers';
import { AgentLink, agentSocket, type UiSocket } from '../src/kiosk/agent-link';
import { KioskController } from '../src/kiosk/kiosk-controller';
import { initialModel, type KioskModel } from '../src/kiosk/kiosk-model';
import { CertificateLink } from '../src/kiosk/certificates/certificate-link';
import { eventually, startServer } from './support';

/**
 * The certificate flow's half of the kiosk socket against a real socket.io `/ui` namespace on loopback,
 * playing the agent's side of ui-certificates.ts (the agent's own tests cover the real agent).
 */
describe('certificate link over a real /ui socket', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let ui: Namespace<UiToAgentEvents, AgentToUiEvents>;
  let current: CertificateViewState;
  let received: unknown[];
  let socket: UiSocket;
  let problems: ProblemLog;
  let link: CertificateLink;
  let seen: CertificateViewState[];

  beforeEach(async () => {
    server = await startServer();
    ui = server.io.of(UI_NAMESPACE);
    current = { screen: 'insert-card' };
    received = [];
    ui.on('connection', (agentSide) => {
      agentSide.on('certificates.state.get', (ack) => ack(current));
      agentSide.on('certificates.pinKey', (key, ack) => {
        received.push(CertificatesPinKeySchema.parse(key));
        ack({ ok: true });
      });
      agentSide.on('certificates.quote', (request, ack) => {
        received.push(CertificatesQuoteSchema.parse(request));
        ack({ ok: false, error: { code: 'no-seal-registration', message: 'no seal registration' } });
      });
      agentSide.on('certificates.confirm', (_request, ack) => ack(failure('conflict', 'not on the confirm screen')));
      agentSide.on('certificates.cancel', (_request, ack) => ack({ ok: true }));
      agentSide.on('session.begin', (request, ack) => {
        received.push({ begin: request.service });
        ack({ ok: true, sessionId: '01890a5d-ac96-774b-bcce-b302099a8057' });
      });
      agentSide.on('certificates.start', (_request, ack) => {
        received.push('start');
        ack({ ok: true });
      });
    });
    problems = new ProblemLog();
    socket = agentSocket(`${server.url}${UI_NAMESPACE}`);
    link = new CertificateLink(socket, problems.report, 2000);
    seen = [];
    link.subscribe((state) => seen.push(state));
    link.start();
    socket.connect();
    await eventually(() => expect(seen).toEqual([{ screen: 'insert-card' }]));
  });

  afterEach(async () => {
    socket.disconnect();
    await server.close();
  });

  it('asks for the current state on connect and follows every push', async () => {
    expect(link.latest).toEqual({ screen: 'insert-card' });
    ui.emit('certificates.state', { screen: 'pin', digitsEntered: 2, pinLength: 4, triesLeft: null, wrongLength: false });
    await eventually(() => expect(link.latest).toMatchObject({ screen: 'pin', digitsEntered: 2 }));
  });

  // The screen checks a push's shape only (kiosk/agent-messages.ts: the agent parsed it with the schema
  // before sending); a push that names no screen is not a view state and is dropped.
  it('drops and reports a malformed push, keeping the last good state', async () => {
    (ui as unknown as { emit(event: string, payload: unknown): void }).emit('certificates.state', { digitsEntered: 99 });
    await eventually(() => expect(problems.entries.map((entry) => entry.what)).toContain('certificates.state push'));
    expect(link.latest).toEqual({ screen: 'insert-card' });
    expect(problems.entries.map((entry) => entry.message).join()).not.toContain('99');
  });

  it('sends each PIN key as it is pressed, in the protocol shape', async () => {
    await link.pinKey({ type: 'digit', digit: 4 });
    await link.pinKey({ type: 'clear' });
    expect(received).toEqual([{ type: 'digit', digit: 4 }, { type: 'clear' }]);
  });

  it('returns the hub refusal of a quote as an answer, and a refused command as a LinkError', async () => {
    const ack = await link.quote({ options: { type: 'inkan' }, copies: 1 });
    expect(ack).toMatchObject({ ok: false, error: { code: 'no-seal-registration' } });
    await expect(link.command('confirm')).rejects.toMatchObject({ failure: 'rejected' });
    await expect(link.command('cancel')).resolves.toBeUndefined();
  });

  it('refuses at once while disconnected instead of queueing', async () => {
    socket.disconnect();
    const attempt = link.command('cancel');
    await expect(attempt).rejects.toBeInstanceOf(LinkError);
    await expect(attempt).rejects.toMatchObject({ failure: 'disconnected' });
  });

  it('a certificates session starts the agent flow once the session exists', async () => {
    const kioskSocket = agentSocket(`${server.url}${UI_NAMESPACE}`);
    const agentLink = new AgentLink(kioskSocket, { link: () => undefined, status: () => undefined }, problems.report, browserTimers);
    let model: KioskModel = initialModel();
    const controller = new KioskController({ get model() { return model; }, set: (next) => (model = next) }, agentLink, {
      idleMs: 60_000,
      clock: browserClock,
      timers: browserTimers,
      report: problems.report,
    });
    try {
      agentLink.start();
      await eventually(() => expect(kioskSocket.connected).toBe(true));
      controller.dispatch({ type: 'choose-service', service: 'certificates' });
      await eventually(() => expect(received).toEqual([{ begin: 'certificates' }, 'start']));
      expect(controller.certificates).toBe(agentLink.certificates);
    } finally {
      controller.dispose();
      agentLink.stop();
    }
  });
});
