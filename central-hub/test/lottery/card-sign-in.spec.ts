import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LotteryCardChallengeAckSchema, LotteryCardSignInAckSchema, lotteryHubAckSchemas, type LotteryCardSignInAck } from '@kiosk/protocols';
import { certificateFingerprint } from '../../src/domain/lottery/certificate-fingerprint';
import { makeProjectTestCa, type ProjectTestCa } from '../certificates/support/project-test-ca';
import { factsFile } from '../certificates/support/facts';
import { connectKiosk, enrolKiosk, type AgentClientSocket } from '../support/agent-client';
import { TestHub } from '../support/test-hub';

/**
 * Sign-in at a street terminal with a linked My Number card, as the hub runs it: the project's TEST CA
 * as the demo configures it (trust anchor, CRL, HUB_SEED_RESIDENTS), the demo users with 10000016
 * linked to toyonaka-002's virtual card (HUB_SEED_DEMO_USERS), `lottery.cardChallenge` and
 * `lottery.signInWithCard` on `/agent`, the card answers computed with the residents' own keys.
 */
describe('lottery sign-in with a linked My Number card', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lottery-card-'));
  let ca: ProjectTestCa;
  let hub: TestHub;
  const sockets: AgentClientSocket[] = [];

  beforeAll(async () => {
    ca = makeProjectTestCa(path.join(dir, 'test-ca'));
    hub = await TestHub.start({
      config: {
        certificates: { factsFile: factsFile(), trustAnchorFiles: [ca.rootFile], crlFiles: [ca.crlFile], seedResidents: true, demoServiceTime: null },
        lottery: { seedFacilities: false, seedDemoUsers: true },
      },
    });
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function terminal(municipality = '豊中市'): Promise<AgentClientSocket> {
    const socket = await connectKiosk(hub.url, await enrolKiosk(hub, { municipality, site: '野畑テニスコート' }), new Date());
    sockets.push(socket);
    return socket;
  }

  const emit = (socket: AgentClientSocket, event: string, body: unknown): Promise<unknown> =>
    (socket.timeout(5000) as unknown as { emitWithAck(event: string, body: unknown): Promise<unknown> }).emitWithAck(event, body);

  async function challengeOf(socket: AgentClientSocket): Promise<Buffer> {
    const ack = LotteryCardChallengeAckSchema.parse(await emit(socket, 'lottery.cardChallenge', {}));
    if (!ack.ok) throw new Error(`no challenge: ${ack.error.code}`);
    return Buffer.from(ack.challenge, 'base64');
  }

  /** What the agent sends once the card signed: `signed` is the challenge the card really signed. */
  async function signInWith(socket: AgentClientSocket, residentId: string, tamper: { signed?: Buffer; challenge?: Buffer } = {}): Promise<LotteryCardSignInAck> {
    const challenge = tamper.challenge ?? (await challengeOf(socket));
    const { certificate, signature } = ca.cardAnswer(residentId, tamper.signed ?? challenge);
    return LotteryCardSignInAckSchema.parse(
      await emit(socket, 'lottery.signInWithCard', {
        challenge: challenge.toString('base64'),
        certificate: certificate.toString('base64'),
        signature: signature.toString('base64'),
      }),
    );
  }

  it('signs in the demo user linked to toyonaka-002 with a session that works like a user-card one', async () => {
    const socket = await terminal();
    const ack = await signInWith(socket, 'toyonaka-002');
    expect(ack).toMatchObject({ ok: true, user: { municipality: '豊中市', certificateLinked: true } });
    if (!ack.ok) return;
    // The linked user card's number, for the terminal's own unsent entries; in no hub log line.
    expect(ack.userNumber).toBe('10000016');
    expect(hub.logs.text()).not.toContain('10000016');
    const entries = lotteryHubAckSchemas['lottery.entries'].parse(await emit(socket, 'lottery.entries', { sessionToken: ack.sessionToken }));
    expect(entries).toEqual({ ok: true, entries: [], provisional: [] });
    expect(hub.logs.find('facility user signed in', { method: 'my-number' })).toBeDefined();
    // The same person with the user card and its PIN: the identity behind both is one.
    const byCard = lotteryHubAckSchemas['lottery.signIn'].parse(await emit(socket, 'lottery.signIn', { userNumber: '10000016', pin: '2345' }));
    expect(byCard).toMatchObject({ ok: true, user: { certificateLinked: true } });
  });

  it('refuses a valid card linked to nobody, and a linked card at a terminal of another municipality', async () => {
    expect(await signInWith(await terminal(), 'toyonaka-001')).toMatchObject({ ok: false, error: { code: 'invalid_credentials' }, cardRefusal: 'not-linked' });
    expect(await signInWith(await terminal('吹田市'), 'toyonaka-002')).toMatchObject({ ok: false, cardRefusal: 'not-linked' });
  });

  it('refuses a revoked card, a wrong signature and a spent challenge with the card reason', async () => {
    const socket = await terminal();
    expect(await signInWith(socket, 'toyonaka-004')).toMatchObject({ ok: false, error: { code: 'unauthorized' }, cardRefusal: 'revoked' });
    const other = await challengeOf(socket);
    expect(await signInWith(socket, 'toyonaka-002', { signed: Buffer.alloc(32, 7) })).toMatchObject({ ok: false, cardRefusal: 'bad-signature' });
    expect(await signInWith(socket, 'toyonaka-002', { challenge: other })).toMatchObject({ ok: true });
    // The challenge was spent by the sign-in above: the same answer again is refused.
    expect(await signInWith(socket, 'toyonaka-002', { challenge: other })).toMatchObject({ ok: false, cardRefusal: 'challenge-unknown' });
  });

  it('answers a malformed request with invalid_message and logs no certificate or fingerprint', async () => {
    const socket = await terminal();
    expect(await emit(socket, 'lottery.signInWithCard', { challenge: 'AAAA', certificate: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    const { certificate } = ca.cardAnswer('toyonaka-002', Buffer.alloc(32));
    const text = hub.logs.text();
    expect(text).not.toContain(certificateFingerprint(certificate));
    expect(text).not.toContain(certificate.toString('base64').slice(0, 40));
  });
});
