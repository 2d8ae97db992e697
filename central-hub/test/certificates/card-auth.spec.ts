import { X509Certificate, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CardAuthFailureReason } from '@kiosk/protocols';
import { TrustConfigError } from '../../src/domain/certificates/card-verification';
import { KyselyCardAuthRepository } from '../../src/repositories/card-auth.repository';
import { CryptoRandom } from '../../src/repositories/random.repository';
import { KyselyResidentRecords } from '../../src/repositories/resident-records.repository';
import { seedSyntheticResidents } from '../../src/repositories/resident-seed';
import { FileTrustStore } from '../../src/repositories/trust-store.repository';
import { CardAuthService } from '../../src/services/card-auth.service';
import { CertificateRefusal } from '../../src/services/certificate-refusal';
import type { HubStore } from '../../src/storage/hub-store';
import { ManualClock } from '../support/manual-clock';
import { silentLogger } from '../support/silent-logger';
import { insertKiosk, openCertificatesStore } from './support/db';
import { createTestPki, type TestPki } from './support/test-pki';

const DAY = 86_400_000;

/**
 * Card authentication against real certificates and CRLs made by the openssl CLI, the real store (SQLite, or
 * PostgreSQL in the PostgreSQL run) for challenges and resident records, and the real trust store reading its files.
 */
describe('CardAuthService', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'card-auth-'));
  let pki: TestPki;
  let store: HubStore;
  let closeStore: (() => Promise<void>) | undefined;
  const now = Date.now();
  const clock = new ManualClock(new Date(now));
  const certs: Record<string, Buffer> = {};
  let anchorFile: string;
  let crlFile: string;

  const service = (files: { anchorFiles: string[]; crlFiles: string[] } = { anchorFiles: [anchorFile], crlFiles: [crlFile] }) =>
    new CardAuthService(
      new KyselyCardAuthRepository(store),
      new KyselyResidentRecords(store),
      new FileTrustStore(files, silentLogger()),
      clock,
      new CryptoRandom(),
      { catalogues: new Map(), challengeTtlMs: 60_000, sessionTtlMs: 600_000, verifyBaseUrl: 'http://hub', demoServiceTime: null },
      silentLogger(),
    );

  const answer = async (auth: CardAuthService, certificate: Buffer, kioskId = 'kiosk-one', sign = pki.cardSign) => {
    const { challenge } = await auth.issueChallenge(kioskId);
    return { challenge: challenge.toString('base64'), certificate: certificate.toString('base64'), signature: sign(challenge).toString('base64') };
  };

  const reasonOf = async (work: Promise<unknown>): Promise<string> => {
    try {
      await work;
      return 'accepted';
    } catch (error) {
      if (error instanceof CertificateRefusal) return error.code;
      throw error;
    }
  };

  beforeAll(async () => {
    pki = createTestPki(path.join(dir, 'pki'));
    const t = (offsetDays: number) => new Date(now + offsetDays * DAY);
    certs.hanako = pki.root.issue('1001', t(-1), t(365 * 5));
    certs.revoked = pki.root.issue('1004', t(-1), t(365 * 5));
    certs.expired = pki.root.issue('1005', t(-60), t(-30));
    certs.future = pki.root.issue('1006', t(30), t(60));
    certs.stranger = pki.root.issue('2001', t(-1), t(365));
    certs.rogue = pki.rogue.issue('1001', t(-1), t(365));
    pki.root.revoke('1004');
    anchorFile = path.join(dir, 'anchors.pem');
    writeFileSync(anchorFile, pki.root.rootPem);
    crlFile = path.join(dir, 'root.crl.pem');
    writeFileSync(crlFile, pki.root.crl({ days: 30 }));
    // The CA and the CRL were made just now (thisUpdate and the root's notBefore are "now" to the second).
    clock.advance(Date.now() - clock.now().getTime() + 1000);
    ({ store, close: closeStore } = await openCertificatesStore());
    await insertKiosk(store, 'kiosk-one');
    await insertKiosk(store, 'kiosk-two');
    await seedSyntheticResidents(store, { certificateIssuer: new X509Certificate(pki.root.rootDer).subject });
  }, 60_000);

  afterAll(async () => {
    await closeStore?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a good card and finds its resident', async () => {
    const auth = service();
    const result = await auth.authenticate('kiosk-one', await answer(auth, certs.hanako!));
    expect(result.residentId).toBe('toyonaka-001');
    expect(result.identity.serialNumber).toBe('1001');
  });

  it.each<[string, () => Buffer, CardAuthFailureReason]>([
    ['revoked', () => certs.revoked!, 'revoked'],
    ['expired', () => certs.expired!, 'certificate-expired'],
    ['not yet valid', () => certs.future!, 'certificate-not-yet-valid'],
    ['issued by an untrusted CA (same subject and serial as a good one)', () => certs.rogue!, 'untrusted-chain'],
    ['valid but linked to no resident', () => certs.stranger!, 'unknown-resident'],
    ['not a certificate', () => randomBytes(300), 'malformed-certificate'],
  ])('refuses a card whose certificate is %s', async (_what, certificate, reason) => {
    const auth = service();
    expect(await reasonOf(auth.authenticate('kiosk-one', await answer(auth, certificate())))).toBe(reason);
  });

  it('refuses a signature by another key or over another challenge', async () => {
    const auth = service();
    const other = createTestPki(path.join(dir, 'other-key'));
    expect(await reasonOf(auth.authenticate('kiosk-one', await answer(auth, certs.hanako!, 'kiosk-one', other.cardSign)))).toBe('bad-signature');
    const good = await answer(auth, certs.hanako!);
    const { challenge } = await auth.issueChallenge('kiosk-one');
    expect(await reasonOf(auth.authenticate('kiosk-one', { ...good, challenge: challenge.toString('base64') }))).toBe('bad-signature');
  }, 30_000);

  it('uses a challenge once, only on the kiosk it was issued to, and only before it expires', async () => {
    const auth = service();
    const first = await answer(auth, certs.hanako!);
    await auth.authenticate('kiosk-one', first);
    expect(await reasonOf(auth.authenticate('kiosk-one', first))).toBe('challenge-unknown');

    const elsewhere = await answer(auth, certs.hanako!, 'kiosk-one');
    expect(await reasonOf(auth.authenticate('kiosk-two', elsewhere))).toBe('challenge-unknown');
    // Spent by the wrong kiosk's attempt? No: it was never this kiosk's; the right kiosk may still use it.
    expect((await auth.authenticate('kiosk-one', elsewhere)).residentId).toBe('toyonaka-001');

    const never = { ...first, challenge: randomBytes(32).toString('base64') };
    expect(await reasonOf(auth.authenticate('kiosk-one', never))).toBe('challenge-unknown');

    const late = await answer(auth, certs.hanako!);
    clock.advance(60_000);
    expect(await reasonOf(auth.authenticate('kiosk-one', late))).toBe('challenge-expired');
    expect(await reasonOf(auth.authenticate('kiosk-one', late))).toBe('challenge-unknown');
  });

  it('spends the challenge on a failed attempt too', async () => {
    const auth = service();
    const bad = await answer(auth, certs.revoked!);
    expect(await reasonOf(auth.authenticate('kiosk-one', bad))).toBe('revoked');
    expect(await reasonOf(auth.authenticate('kiosk-one', { ...bad, certificate: certs.hanako!.toString('base64') }))).toBe('challenge-unknown');
  });

  it('fails closed without a current CRL: none configured, or past its nextUpdate', async () => {
    const noCrl = service({ anchorFiles: [anchorFile], crlFiles: [] });
    expect(await reasonOf(noCrl.authenticate('kiosk-one', await answer(noCrl, certs.hanako!)))).toBe('revocation-unknown');
    const auth = service();
    const saved = clock.now();
    clock.advance(31 * DAY);
    try {
      expect(await reasonOf(auth.authenticate('kiosk-one', await answer(auth, certs.hanako!)))).toBe('revocation-unknown');
    } finally {
      clock.advance(saved.getTime() - clock.now().getTime());
    }
    expect((await auth.authenticate('kiosk-one', await answer(auth, certs.hanako!))).residentId).toBe('toyonaka-001');
  });

  it('picks up a new CRL when its file changes', async () => {
    const liveCrl = path.join(dir, 'live.crl.pem');
    writeFileSync(liveCrl, readFileSync(crlFile));
    const ichiro = pki.root.issue('1002', new Date(now - DAY), new Date(now + 365 * DAY));
    const auth = service({ anchorFiles: [anchorFile], crlFiles: [liveCrl] });
    expect((await auth.authenticate('kiosk-one', await answer(auth, ichiro))).residentId).toBe('toyonaka-002');
    pki.root.revoke('1002');
    writeFileSync(liveCrl, pki.root.crl({ days: 30 }));
    expect(await reasonOf(auth.authenticate('kiosk-one', await answer(auth, ichiro)))).toBe('revoked');
    // A broken replacement keeps the last good list rather than accepting everyone.
    writeFileSync(liveCrl, 'not a CRL');
    expect(await reasonOf(auth.authenticate('kiosk-one', await answer(auth, ichiro)))).toBe('revoked');
  });

  it('refuses a trust configuration with a CRL no anchor signed, a CRL without anchor, or a missing file', () => {
    const rogueCrl = path.join(dir, 'rogue.crl.pem');
    writeFileSync(rogueCrl, pki.rogue.crl());
    expect(() => service({ anchorFiles: [anchorFile], crlFiles: [rogueCrl] })).toThrow(TrustConfigError);
    expect(() => service({ anchorFiles: [], crlFiles: [crlFile] })).toThrow(TrustConfigError);
    expect(() => service({ anchorFiles: [path.join(dir, 'missing.pem')], crlFiles: [] })).toThrow(TrustConfigError);
  });

  it('starts with no trust configured at all, and refuses every card as untrusted-chain', async () => {
    const unconfigured = service({ anchorFiles: [], crlFiles: [] });
    expect(await reasonOf(unconfigured.authenticate('kiosk-one', await answer(unconfigured, certs.hanako!)))).toBe('untrusted-chain');
  });
});
