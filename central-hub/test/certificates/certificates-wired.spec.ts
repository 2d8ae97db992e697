import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { CardVerifyResponseSchema, ChallengeResponseSchema, IssueResponseSchema, VerificationResultSchema } from '@kiosk/protocols';
import { addDays, jstDate, jstInstant } from '../../src/domain/jst';
import { SEEDED_PERSONAL_STRINGS } from '../../src/repositories/resident-seed';
import { connectKiosk, enrolKiosk, type AgentClientSocket } from '../support/agent-client';
import { ManualClock } from '../support/manual-clock';
import { TestHub } from '../support/test-hub';
import { factsFile } from './support/facts';
import { makeProjectTestCa, type ProjectTestCa } from './support/project-test-ca';

/**
 * Noon JST of the next day the service is open (not Dec 29 – Jan 3) after now: the hub's clock for these
 * tests, so the hours never refuse them, and later than the moment the test CA's certificates start.
 */
function nextOpenNoon(now: Date): Date {
  let day = jstDate(now);
  while (jstInstant(day, '12:00') <= now || ['12-29', '12-30', '12-31', '01-01', '01-02', '01-03'].includes(day.slice(5))) day = addDays(day, 1);
  return jstInstant(day, '12:00');
}

/**
 * Certificate issuance as the hub runs it: CertificatesModule in the application with the project's TEST
 * CA as configured by the demo (HUB_CARD_TRUST_ANCHORS / HUB_CARD_CRLS, HUB_SEED_RESIDENTS), its migration
 * applied, `certificates.*` answered on `/agent` next to the fleet gateway, the verify page over HTTP.
 */
describe('certificates wired into the hub', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'certificates-wired-'));
  const hubs: TestHub[] = [];
  const sockets: AgentClientSocket[] = [];
  let ca: ProjectTestCa;
  let clock: ManualClock;

  beforeAll(() => {
    ca = makeProjectTestCa(path.join(dir, 'test-ca'));
    clock = new ManualClock(nextOpenNoon(new Date()));
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all(hubs.map((hub) => hub.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(certificates: { trustAnchorFiles: string[]; crlFiles: string[]; seedResidents: boolean }): Promise<{ hub: TestHub; agent: AgentClientSocket }> {
    const hub = await TestHub.start({ config: { certificates: { factsFile: factsFile(), demoServiceTime: null, ...certificates } }, overrides: { clock } });
    hubs.push(hub);
    const agent = await connectKiosk(hub.url, await enrolKiosk(hub), clock.now());
    sockets.push(agent);
    return { hub, agent };
  }

  /** The agent's part of a card check: a challenge from the hub, the resident's card's answer back. */
  async function presentCard(agent: AgentClientSocket, residentId: string) {
    const challenge = ChallengeResponseSchema.parse(await agent.timeout(5000).emitWithAck('certificates.challenge', {}));
    if (!challenge.ok) throw new Error(`no challenge: ${challenge.error.code}`);
    const { certificate, signature } = ca.cardAnswer(residentId, Buffer.from(challenge.challenge, 'base64'));
    return CardVerifyResponseSchema.parse(
      await agent.timeout(5000).emitWithAck('certificates.verify', {
        challenge: challenge.challenge,
        certificate: certificate.toString('base64'),
        signature: signature.toString('base64'),
      }),
    );
  }

  it('authenticates the test CA cards as the seeded residents and issues a certificate that verifies at the hub', async () => {
    const { hub, agent } = await start({
      // Where scripts/start.mjs points the demo hub.
      trustAnchorFiles: [path.join(dir, 'test-ca', 'ca', 'root.cert.pem')],
      crlFiles: [path.join(dir, 'test-ca', 'crl', 'root.crl.pem')],
      seedResidents: true,
    });
    expect(hub.logs.find('synthetic residents seeded')).toMatchObject({ added: 8 });
    expect(await agent.timeout(5000).emitWithAck('certificates.availability', {})).toMatchObject({ ok: true, municipality: '豊中市', availability: { open: true } });

    const verified = await presentCard(agent, 'toyonaka-001');
    if (!verified.ok) throw new Error(`card refused: ${verified.error.code}`);
    expect(verified.household.find((m) => m.self)?.nameJa).toBe('豊中 花子');
    expect(await presentCard(agent, 'toyonaka-004')).toMatchObject({ ok: false, error: { code: 'revoked' } });

    const order = { options: { type: 'juminhyo', scope: 'household', includeDomicile: false, includeRelationship: true }, copies: 1 } as const;
    expect(await agent.timeout(5000).emitWithAck('certificates.quote', { cardSessionId: verified.cardSessionId, order })).toEqual({ ok: true, unitFeeYen: 200, copies: 1, feeYen: 200 });
    const issued = IssueResponseSchema.parse(
      await agent.timeout(10_000).emitWithAck('certificates.issue', { transactionId: uuidv7(), cardSessionId: verified.cardSessionId, order, paidFeeYen: 200 }),
    );
    if (!issued.ok) throw new Error(`issue refused: ${issued.error.code}`);

    // The QR code and the printed link point at the hub as it listens (its port was ephemeral).
    const pdfFile = path.join(dir, 'issued.pdf');
    writeFileSync(pdfFile, Buffer.from(issued.pdf, 'base64'));
    const text = execFileSync('pdftotext', [pdfFile, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(text).toContain(`${hub.url}/verify/${issued.issuance.verificationCode}`);
    // A hub that seeds the synthetic residents is a demo or test hub: its paper says it is a specimen (issue 17).
    expect(text).toContain('見本');
    expect(text).toContain('公的な証明書ではありません');
    const check = await fetch(`${hub.url}/api/verify/${issued.issuance.verificationCode}`);
    expect(VerificationResultSchema.parse(await check.json())).toMatchObject({ valid: true, certificateType: 'juminhyo', municipality: '豊中市' });

    const logs = hub.logs.text();
    for (const personal of SEEDED_PERSONAL_STRINGS) expect(logs).not.toContain(personal);
  }, 60_000);

  it('refuses every card as untrusted-chain while no trust anchor is configured', async () => {
    const { hub, agent } = await start({ trustAnchorFiles: [], crlFiles: [], seedResidents: false });
    expect(hub.logs.find('no card trust anchors configured: every card is refused (untrusted-chain)')).toBeDefined();
    expect(await presentCard(agent, 'toyonaka-001')).toMatchObject({ ok: false, error: { code: 'untrusted-chain' } });
  }, 30_000);
});
