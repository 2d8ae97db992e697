/**
 * The lottery's part of the agent's `/ui` socket, on the real agent composition (no devices, a minimal
 * hub that knows nothing of the lottery): the state is pushed on connect and on every change, every
 * request is parsed with its protocol schema (malformed → `invalid_message`, naming where, never echoing
 * the value), and nothing is done for a person outside a lottery session. The state carries the hub's
 * public address for citizens (HUB_PUBLIC_URL, set here apart from the agent's HUB_URL link so the test
 * tells the two apart) for the 抽選結果の検証 screen.
 */
import { io, type Socket } from 'socket.io-client';
import { LotteryUiStateSchema, UI_NAMESPACE, type AgentToUiEvents, type LotteryUiState, type UiToAgentEvents } from '@kiosk/protocols';
import type { RunningAgent } from '../src/agent';
import { MiniHub } from './support/mini-hub';
import { startTestAgent, tempDir, testConfig, waitFor } from './support/agent-harness';

jest.setTimeout(30_000);

type UiSocket = Socket<AgentToUiEvents, UiToAgentEvents>;
type Loose = { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };

describe('lottery on /ui', () => {
  const tmp = tempDir('lottery-ui');
  const hub = new MiniHub();
  let agent: RunningAgent;
  let socket: UiSocket;
  const states: LotteryUiState[] = [];
  const hubPublicUrl = 'https://shisetsu.city.example.jp';
  const send = (event: string, ...args: unknown[]): Promise<unknown> => (socket.timeout(10_000) as unknown as Loose).emitWithAck(event, ...args);

  beforeAll(async () => {
    await hub.start();
    agent = await startTestAgent(hub, testConfig(tmp.dir, hub, { AGENT_ENROLMENT_CODE: hub.createEnrolmentCode('kiosk-lottery-ui'), HUB_PUBLIC_URL: hubPublicUrl }));
    socket = io(`${agent.ui.url.replace(/\/$/, '')}${UI_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true });
    socket.on('lottery.state', (raw) => states.push(LotteryUiStateSchema.parse(raw)));
    await waitFor('first lottery state', () => states.length > 0);
  });

  afterAll(async () => {
    socket?.close();
    await agent?.stop();
    await hub.stop();
    tmp.cleanup();
  });

  it('pushes the state on connect and answers lottery.state.get', async () => {
    expect(states[0]).toEqual({ stage: 'inactive', pinDigits: 0, cardHint: null, mode: null, user: null, refusal: null, offlineEntryAvailable: false, receiptPrinterReady: false, hubPublicUrl });
    expect(LotteryUiStateSchema.parse(await send('lottery.state.get'))).toEqual(states[0]);
  });

  it('refuses malformed requests with invalid_message, without echoing what was sent', async () => {
    const pin = (await send('lottery.pin.press', { key: '1234' })) as { ok: boolean; error: { code: string; issues: Array<{ path: string }> } };
    expect(pin).toMatchObject({ ok: false, error: { code: 'invalid_message', issues: [{ path: 'key' }] } });
    expect(JSON.stringify(pin)).not.toContain('1234');
    expect(await send('lottery.entry.submit', { firstSlotId: 'not a slot' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(await send('lottery.availability', { facilityId: 'toyonaka-nobata', month: '2027-13' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(await send('lottery.booking.cancel', { bookingId: 'x', acceptedChargeYen: -1 })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(await send('lottery.signOut', { extra: true })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
  });

  it('does nothing for a person outside a lottery session', async () => {
    expect(await send('lottery.pin.press', { key: '1' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await send('lottery.facilities', {})).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
    expect(await send('lottery.entries', {})).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
    expect(agent.deviceServices.pinEntry.state().digits).toBe(0);
  });

  it('asks for the card when a lottery session begins, counts digits, and forgets them when it ends', async () => {
    expect(await send('session.begin', { service: 'lottery', language: 'en' })).toMatchObject({ ok: true });
    await waitFor('awaiting a card', () => states.at(-1)?.stage === 'awaiting-card');
    expect(await send('lottery.pin.press', { key: '7' })).toEqual({ ok: true });
    await waitFor('one digit', () => states.at(-1)?.pinDigits === 1);
    expect(await send('lottery.pin.press', { key: 'enter' })).toEqual({ ok: true });
    await waitFor('no card refusal', () => states.at(-1)?.refusal?.code === 'no_card');
    expect(states.at(-1)?.pinDigits).toBe(0);
    expect(await send('lottery.pin.press', { key: '5' })).toEqual({ ok: true });
    await waitFor('one digit again', () => states.at(-1)?.pinDigits === 1);
    expect(await send('session.end', { reason: 'idle-timeout' })).toEqual({ ok: true });
    await waitFor('inactive', () => states.at(-1)?.stage === 'inactive');
    expect(agent.deviceServices.pinEntry.state()).toEqual({ digits: 0, submitted: false });
  });
});
