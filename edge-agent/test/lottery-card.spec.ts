/**
 * Sign-in at a street terminal with a linked My Number card, on real parts: the real hub (its build,
 * trusting a fresh TEST CA, residents and demo users seeded: 10000016 is linked to toyonaka-002's
 * card), the agent in this process with AGENT_DEVICES=virtual (pcscd + vpcd virtual cards), driven like
 * a person: the kiosk UI's `/ui` socket for the screen and its 12-key pad, the device panel's `/panel`
 * socket to place and take out the card.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { DEVICE_PANEL_NAMESPACE, LotteryUiStateSchema, UI_NAMESPACE, type LotteryUiState } from '@kiosk/protocols';
import { requestEnrolmentCode } from '../../test/support/enrolment';
import { parseConfig } from '../src/config';
import { EnvConfigRefresher } from '../src/config-refresher';
import { startAgent, type RunningAgent } from '../src/agent';
import { ensureTestCa } from '../src/hardware/test-ca';
import { repoRoot } from '../src/paths';
import { DIST_HUB, LoggedProcess, residents, waitUntil, type VirtualResident } from './certificate-support';
import { capturingLogger, silentLogger, tempDir, writeUiBuild } from './support/agent-harness';

jest.setTimeout(120_000);

type Loose = { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };

let tmp: { dir: string; cleanup(): void };
let hub: LoggedProcess;
let hubUrl: string;
let agent: RunningAgent;
let ui: Socket;
let panel: Socket;
let people: VirtualResident[];
const logLines: string[] = [];
const states: LotteryUiState[] = [];

const send = (socket: Socket, event: string, ...args: unknown[]): Promise<unknown> => (socket.timeout(10_000) as unknown as Loose).emitWithAck(event, ...args);
const latest = (): LotteryUiState | undefined => states.at(-1);
const pinOf = (id: string): string => people.find((person) => person.id === id)?.pin ?? '';

async function waitState(what: string, check: (state: LotteryUiState) => boolean): Promise<LotteryUiState> {
  try {
    await waitUntil(what, () => {
      const state = latest();
      return state !== undefined && check(state);
    }, 30_000);
  } catch {
    throw new Error(`${what}: last states ${JSON.stringify(states.slice(-4))}`);
  }
  return latest() as LotteryUiState;
}

async function panelCommand(event: 'panel.card.insert' | 'panel.card.remove', payload: unknown): Promise<void> {
  const ack = (await send(panel, event, payload)) as { ok: boolean; error?: { message: string } };
  if (!ack.ok) throw new Error(`${event}: ${ack.error?.message ?? 'refused'}`);
}

async function typePin(pin: string): Promise<void> {
  for (const key of [...pin, 'enter']) expect(await send(ui, 'lottery.pin.press', { key })).toEqual({ ok: true });
}

/** A lottery session with `cardId` placed, on the card PIN prompt. */
async function placeCard(cardId: string): Promise<LotteryUiState> {
  expect(await send(ui, 'session.begin', { service: 'lottery', language: 'ja' })).toMatchObject({ ok: true });
  await waitState('awaiting a card', (state) => state.stage === 'awaiting-card');
  await panelCommand('panel.card.insert', { cardId });
  return waitState('the card PIN prompt', (state) => state.stage === 'awaiting-card-pin' || state.refusal !== null);
}

beforeAll(async () => {
  tmp = tempDir('lottery-card');
  const agentDir = path.join(tmp.dir, 'agent');
  const testCaDir = path.join(agentDir, 'test-ca');
  await ensureTestCa(repoRoot, testCaDir);
  people = residents(testCaDir);
  hub = new LoggedProcess(DIST_HUB, {
    HUB_PORT: '0',
    HUB_DATA_DIR: path.join(tmp.dir, 'hub'),
    HUB_CARD_TRUST_ANCHORS: path.join(testCaDir, 'ca', 'root.cert.pem'),
    HUB_CARD_CRLS: path.join(testCaDir, 'crl', 'root.crl.pem'),
    HUB_SEED_RESIDENTS: '1',
    HUB_SEED_DEMO_USERS: '1',
    HUB_DEMO_ADMIN: '0',
    LOG_LEVEL: 'info',
  });
  hubUrl = `http://127.0.0.1:${String((await hub.waitFor('hub listening')).port)}`;
  const token = readFileSync(path.join(tmp.dir, 'hub', 'admin-token'), 'utf8').trim();
  const code = await requestEnrolmentCode(hubUrl, token, { name: '野畑テニスコート 街頭端末', municipality: '豊中市', site: '野畑テニスコート', kind: 'street-terminal' });
  const uiDir = path.join(tmp.dir, 'ui');
  writeUiBuild(uiDir);
  const config = parseConfig(
    {
      HUB_URL: hubUrl,
      AGENT_DATA_DIR: agentDir,
      AGENT_UI_DIR: uiDir,
      AGENT_UI_PORT: '0',
      AGENT_DEVICES: 'virtual',
      AGENT_ENROLMENT_CODE: code,
      AGENT_HEARTBEAT_MS: '500',
      AGENT_ACK_TIMEOUT_MS: '5000',
      AGENT_RECONNECT_MIN_MS: '50',
      AGENT_RECONNECT_MAX_MS: '300',
      LOG_LEVEL: 'silent',
    },
    repoRoot,
  );
  agent = await startAgent({ config, logger: capturingLogger(logLines), configRefresher: new EnvConfigRefresher(config, () => config, silentLogger) });
  await waitUntil('the agent is connected to the hub', () => agent.state.connection().hubConnected, 30_000);
  await waitUntil('every device ok', () => agent.devices.health().every((device) => device.status === 'ok'), 30_000);
  const base = agent.ui.url.replace(/\/$/, '');
  ui = io(`${base}${UI_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true });
  panel = io(`${base}${DEVICE_PANEL_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true });
  ui.on('lottery.state', (raw: unknown) => states.push(LotteryUiStateSchema.parse(raw)));
  await waitUntil('the sockets connect', () => ui.connected && panel.connected);
}, 180_000);

afterAll(async () => {
  ui?.close();
  panel?.close();
  await agent?.stop();
  await hub?.stop();
  tmp?.cleanup();
});

afterEach(async () => {
  await panelCommand('panel.card.remove', {}).catch(() => undefined);
  if (agent.sessions.current()) await send(ui, 'session.end', { reason: 'cancelled' });
  await waitState('the lottery is idle', (state) => state.stage === 'inactive');
  states.splice(0);
});

describe('lottery sign-in with a linked My Number card', () => {
  it('signs in the user card linked to the card after a wrong card PIN, and the session works', async () => {
    const prompt = await placeCard('toyonaka-002');
    expect(prompt).toMatchObject({ stage: 'awaiting-card-pin', cardPinTriesLeft: 3, refusal: null, cardHint: null });

    const wrong = pinOf('toyonaka-002') === '0000' ? '9999' : '0000';
    await typePin(wrong);
    const refused = await waitState('the wrong card PIN told', (state) => state.refusal !== null);
    expect(refused).toMatchObject({ stage: 'awaiting-card-pin', cardPinTriesLeft: 2, pinDigits: 0, refusal: { code: 'card_pin_wrong', attemptsLeft: 2 } });

    await typePin(pinOf('toyonaka-002'));
    const signedIn = await waitState('signed in', (state) => state.stage === 'signed-in');
    // The hub told the linked user card's number (for this terminal's unsent entries): the screen shows its last two digits only.
    expect(signedIn).toMatchObject({ mode: 'online', user: { municipality: '豊中市', certificateLinked: true }, refusal: null, cardHint: '16' });
    expect(JSON.stringify(states)).not.toContain('10000016');
    expect(states.some((state) => state.stage === 'signing-in')).toBe(true);
    expect(await send(ui, 'lottery.entries', {})).toMatchObject({ ok: true, source: 'hub', entries: [] });
    expect(hub.lines.find((line) => line.msg === 'facility user signed in' && line.method === 'my-number')).toBeDefined();
    // No card PIN reached a log line.
    const logs = logLines.join('\n');
    expect(logs).not.toContain('"pin"');
    expect(logs).not.toContain(`"${pinOf('toyonaka-002')}"`);
    expect(logs).not.toContain('10000016');
  });

  it('takes up a card already on the reader when the lottery session begins, without taking it out', async () => {
    await panelCommand('panel.card.insert', { cardId: 'toyonaka-002' });
    await waitUntil('the card is on the reader', () => agent.hardware.drivers.cardReader?.selectedReader()?.cardPresent === true);
    expect(await send(ui, 'session.begin', { service: 'lottery', language: 'ja' })).toMatchObject({ ok: true });
    const prompt = await waitState('the card PIN prompt', (state) => state.stage === 'awaiting-card-pin' || state.refusal !== null);
    expect(prompt).toMatchObject({ stage: 'awaiting-card-pin', refusal: null, cardPinTriesLeft: 3 });
    await typePin(pinOf('toyonaka-002'));
    expect(await waitState('signed in', (state) => state.stage === 'signed-in')).toMatchObject({ mode: 'online', user: { certificateLinked: true } });
  });

  it('refuses a valid card that is linked to no user card here, with the reason', async () => {
    await placeCard('toyonaka-001');
    await typePin(pinOf('toyonaka-001'));
    const refused = await waitState('the card refused', (state) => state.refusal !== null);
    expect(refused).toMatchObject({ stage: 'awaiting-card', refusal: { code: 'card_refused', cardRefusal: 'not-linked' } });
  });

  it('refuses a revoked card at the hub, and goes back to the card prompt when the card is taken out', async () => {
    await placeCard('toyonaka-004');
    await typePin(pinOf('toyonaka-004'));
    expect(await waitState('the card refused', (state) => state.refusal !== null)).toMatchObject({
      stage: 'awaiting-card',
      refusal: { code: 'card_refused', cardRefusal: 'revoked' },
    });
    await panelCommand('panel.card.remove', {});
    await panelCommand('panel.card.insert', { cardId: 'toyonaka-002' });
    await waitState('the card PIN prompt', (state) => state.stage === 'awaiting-card-pin');
    expect(await send(ui, 'lottery.pin.press', { key: '1' })).toEqual({ ok: true });
    await waitState('one digit', (state) => state.pinDigits === 1);
    await panelCommand('panel.card.remove', {});
    expect(await waitState('back to the card prompt', (state) => state.stage === 'awaiting-card')).toMatchObject({ pinDigits: 0, refusal: null });
    expect(agent.deviceServices.pinEntry.state().digits).toBe(0);
  });

  // Last: it stops the hub.
  it('says a card sign-in needs the centre while the hub is unreachable (the user card still works offline)', async () => {
    await hub.stop();
    await waitUntil('the agent sees the hub gone', () => !agent.state.connection().hubConnected, 30_000);
    const refused = await placeCard('toyonaka-002');
    expect(refused).toMatchObject({ stage: 'awaiting-card', refusal: { code: 'card_needs_hub' } });
    expect(states.some((state) => state.stage === 'awaiting-card-pin')).toBe(false);
  });
});
