/**
 * The lottery's hub client on a real socket.io connection (loopback): a request made while the link is
 * still connecting (the first sign-in after the terminal started, issue 13) waits for that attempt and
 * goes to the hub once it has greeted us; with no attempt under way, or one that fails, it is
 * `hub_unreachable` at once (so an offline sign-in does not wait).
 */
import { LotterySignInSchema, type LotterySignInAck } from '@kiosk/protocols';
import type { AgentSocket } from '../sync/hub-session';
import { HubStub, LinkDriver } from '../sync/hub-stub-fixture';
import { HubUnreachableError, LotteryHubClient } from './hub-client';

const SIGNED_IN: LotterySignInAck = {
  ok: true,
  sessionToken: 'A'.repeat(43),
  expiresAt: '2026-12-07T05:00:00.000Z',
  user: { municipality: '豊中市', expiresOn: '2029-03-31', certificateLinked: false },
};
const SIGN_IN = { userNumber: '10000016', pin: '2345' };
/** Long enough that a request still waiting for it would outlive the test (which then fails). */
const ACK_TIMEOUT_MS = 600_000;

describe('LotteryHubClient', () => {
  const hub = new HubStub({ 'lottery.signIn': (request) => (LotterySignInSchema.parse(request), SIGNED_IN) });
  const links: LinkDriver[] = [];
  let url = '';

  beforeAll(async () => {
    url = await hub.start();
  });
  afterEach(() => {
    for (const link of links.splice(0)) link.close();
  });
  afterAll(() => hub.stop());

  const signIns = (): number => hub.answered.get('lottery.signIn') ?? 0;

  /** The client, its link's `ready` (the hub's hello ack) as a flag, and the link opening one attempt. */
  function client(to: string): { client: LotteryHubClient; link: LinkDriver; greeted: (ready: boolean) => void; open: () => AgentSocket } {
    const link = new LinkDriver(to, ACK_TIMEOUT_MS);
    links.push(link);
    const hubClient = new LotteryHubClient(link.requests, ACK_TIMEOUT_MS);
    return { client: hubClient, link, greeted: (value) => link.greeted(value), open: () => link.open() };
  }

  it('sends a request made mid-connect once the hub has greeted the agent', async () => {
    const { client: hubClient, greeted, open } = client(url);
    const before = signIns();
    const connected = hub.nextConnection();
    open();
    // The person pressed Enter before the connection was through (before the hub even saw the socket).
    const reply = hubClient.request('lottery.signIn', SIGN_IN);
    await connected;
    greeted(true);
    await expect(reply).resolves.toEqual(SIGNED_IN);
    expect(signIns()).toBe(before + 1);
  });
  it('is hub_unreachable at once when no attempt is under way', async () => {
    const { client: hubClient, link, open } = client(url);
    await expect(hubClient.request('lottery.signIn', SIGN_IN)).rejects.toBeInstanceOf(HubUnreachableError);
    // The link's machine settled the attempt as failed (its socket closed): it is waited for no longer.
    open();
    link.failed();
    await expect(hubClient.request('lottery.signIn', SIGN_IN)).rejects.toBeInstanceOf(HubUnreachableError);
  });

  it('stops waiting when the attempt under way fails', async () => {
    const closed = new HubStub({});
    const closedUrl = await closed.start();
    await closed.stop();
    const { client: hubClient, open } = client(closedUrl);
    // A refused attempt (connect_error) is failed: the link's machine settles it so (reconnect-loop.ts).
    open();
    await expect(hubClient.request('lottery.signIn', SIGN_IN)).rejects.toBeInstanceOf(HubUnreachableError);
  });
});
