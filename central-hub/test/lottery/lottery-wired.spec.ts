import { lotteryHubAckSchemas, type LotteryEvent } from '@kiosk/protocols';
import { connectKiosk, enrolKiosk, type AgentClientSocket } from '../support/agent-client';
import { TestHub } from '../support/test-hub';

/** Any lottery event, as the terminal sends it (the body is the test's to get wrong). */
const send = (socket: AgentClientSocket, event: LotteryEvent | 'lottery.nope', body: unknown): Promise<unknown> =>
  (socket.timeout(5000) as unknown as { emitWithAck(event: string, body: unknown): Promise<unknown> }).emitWithAck(event, body);

/**
 * The lottery as the hub runs it: LotteryModule in the application, its migration applied, `lottery.*`
 * on `/agent` forwarded by the agent gateway to the handlers, the seeds behind their flags.
 */
describe('lottery wired into the hub', () => {
  const hubs: TestHub[] = [];
  const sockets: AgentClientSocket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all(hubs.map((hub) => hub.close()));
  });

  async function terminal(hub: TestHub): Promise<AgentClientSocket> {
    const kiosk = await enrolKiosk(hub, { municipality: '豊中市', site: '野畑テニスコート' });
    const socket = await connectKiosk(hub.url, kiosk, new Date());
    sockets.push(socket);
    return socket;
  }

  it('seeds Toyonaka and the demo users when asked, and answers lottery messages on /agent', async () => {
    const hub = await TestHub.start({ config: { lottery: { seedFacilities: true, seedDemoUsers: true } } });
    hubs.push(hub);
    const socket = await terminal(hub);

    const facilities = lotteryHubAckSchemas['lottery.facilities'].parse(await send(socket, 'lottery.facilities', { municipality: '豊中市' }));
    expect(facilities.ok && facilities.facilities.length).toBe(11);
    const rounds = lotteryHubAckSchemas['lottery.rounds'].parse(await send(socket, 'lottery.rounds', { municipality: '豊中市' }));
    expect(rounds.ok && rounds.rounds.length).toBeGreaterThan(0);
    expect(hub.logs.find('lottery round created')).toBeDefined();

    // The demo user card the device panel offers, with its demo PIN; then the same card with a wrong one.
    const signIn = lotteryHubAckSchemas['lottery.signIn'].parse(await send(socket, 'lottery.signIn', { userNumber: '10000008', pin: '1234' }));
    expect(signIn).toMatchObject({ ok: true, user: { municipality: '豊中市' } });
    const entries = lotteryHubAckSchemas['lottery.entries'].parse(await send(socket, 'lottery.entries', { sessionToken: signIn.ok ? signIn.sessionToken : '' }));
    expect(entries).toEqual({ ok: true, entries: [], provisional: [] });
    expect(await send(socket, 'lottery.signIn', { userNumber: '10000008', pin: '9999' })).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });

    // Malformed and unknown messages are answered, once, with a code.
    expect(await send(socket, 'lottery.signIn', { userNumber: '10000008' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(await send(socket, 'lottery.nope', {})).toMatchObject({ ok: false, error: { code: 'invalid_message' } });

    expect(hub.logs.find('demo facility users registered')).toMatchObject({ created: 3 });
    expect(hub.logs.text()).not.toContain('10000008');
  });

  it('seeds nothing by default: no facility, no round, and the demo card is unknown', async () => {
    const hub = await TestHub.start();
    hubs.push(hub);
    const socket = await terminal(hub);
    expect(await send(socket, 'lottery.facilities', { municipality: '豊中市' })).toEqual({ ok: true, facilities: [] });
    expect(await send(socket, 'lottery.rounds', { municipality: '豊中市' })).toEqual({ ok: true, rounds: [], now: expect.any(String) as string });
    expect(await send(socket, 'lottery.signIn', { userNumber: '10000008', pin: '1234' })).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
    expect(hub.logs.find('lottery round created')).toBeUndefined();
  });
});
