/**
 * The certificates' hub client on a real socket.io connection (loopback): a resident's card check made
 * while the agent's hub link is still connecting (the first one after the terminal started, issue 13)
 * waits for that attempt and goes to the hub once it has greeted us, as the preflight's availability
 * check does; with no attempt under way it is unreachable at once (an offline kiosk says so at once).
 */
import { AvailabilityRequestSchema, type AvailabilityResponse } from '@kiosk/protocols';
import { PinEntry } from '../input/pin-entry';
import { createLogger } from '../logger';
import { HubStub, LinkDriver } from '../sync/hub-stub-fixture';
import { CardAndHubAuth } from './card-and-hub-auth';
import { CertificateHubClient, CertificateHubUnreachableError } from './hub-certificates';

const OPEN: AvailabilityResponse = { ok: true, municipality: '豊中市', availability: { open: true, closesAt: '2026-12-07T08:15:00.000Z' } };
/** Long enough that a request still waiting for it would outlive the test (which then fails). */
const ACK_TIMEOUT_MS = 600_000;

describe('CertificateHubClient', () => {
  const hub = new HubStub({ 'certificates.availability': (request) => (AvailabilityRequestSchema.parse(request), OPEN) });
  let link: LinkDriver;
  let url = '';

  beforeAll(async () => {
    url = await hub.start();
  });
  beforeEach(() => {
    link = new LinkDriver(url, ACK_TIMEOUT_MS);
  });
  afterEach(() => link.close());
  afterAll(() => hub.stop());

  const asked = (): number => hub.answered.get('certificates.availability') ?? 0;

  it('answers the preflight’s availability check made mid-connect once the hub has greeted the agent', async () => {
    const client = new CertificateHubClient(link.requests, ACK_TIMEOUT_MS);
    const auth = new CardAndHubAuth({ hub: client, cardReader: null, pinEntry: new PinEntry(), logger: createLogger('silent') });
    const before = asked();
    const connected = hub.nextConnection();
    link.open();
    // The resident touched 証明書 before the connection was through (before the hub even saw the socket).
    const availability = auth.availability();
    await connected;
    link.greeted(true);
    await expect(availability).resolves.toEqual({ kind: 'answered', municipality: OPEN.municipality, availability: OPEN.availability });
    expect(asked()).toBe(before + 1);
  });

  it('is unreachable at once when no attempt is under way', async () => {
    const client = new CertificateHubClient(link.requests, ACK_TIMEOUT_MS);
    await expect(client.availability()).rejects.toBeInstanceOf(CertificateHubUnreachableError);
    expect(client.reachable()).toBe(false);
    link.open();
    expect(client.reachable()).toBe(true); // an attempt under way: reachable soon
    // The link's machine settled the attempt as failed: it is waited for no longer.
    link.failed();
    await expect(client.availability()).rejects.toBeInstanceOf(CertificateHubUnreachableError);
    expect(client.reachable()).toBe(false);
  });
});
