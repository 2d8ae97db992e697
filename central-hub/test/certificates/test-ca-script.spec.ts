import { execFileSync } from 'node:child_process';
import { constants, createHash, createPrivateKey, privateEncrypt, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { SqliteCardAuthRepository } from '../../src/repositories/card-auth.repository';
import type { SqliteDatabase } from '../../src/repositories/database.repository';
import { CryptoRandom } from '../../src/repositories/random.repository';
import { SqliteResidentRecords } from '../../src/repositories/resident-records.repository';
import { seedSyntheticResidents } from '../../src/repositories/resident-seed';
import { FileTrustStore } from '../../src/repositories/trust-store.repository';
import { CardAuthService } from '../../src/services/card-auth.service';
import { CertificateRefusal } from '../../src/services/certificate-refusal';
import { ManualClock } from '../support/manual-clock';
import { silentLogger } from '../support/silent-logger';
import { insertKiosk, openCertificatesDatabase } from './support/db';

const SCRIPT = path.resolve(__dirname, '../../../scripts/test-ca/make-test-ca.sh');
const ResidentsFile = z.object({
  rootCertificate: z.string(),
  crl: z.string(),
  residents: z.array(z.object({ id: z.string(), certificate: z.string(), privateKey: z.string(), certificateSerial: z.string(), revoked: z.boolean() })),
});

/**
 * The project's TEST CA (scripts/test-ca/make-test-ca.sh, used by the virtual cards and the demo) as the
 * hub's trust configuration: its residents' cards authenticate as the seeded residents, the revoked one
 * is refused. Skipped only if the script is absent from the checkout.
 */
(existsSync(SCRIPT) ? describe : describe.skip)('the project TEST CA with the hub verifier', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'test-ca-script-'));
  const caDir = path.join(dir, 'ca');
  let database: SqliteDatabase;
  let auth: CardAuthService;
  let residents: z.infer<typeof ResidentsFile>['residents'];

  beforeAll(() => {
    execFileSync('bash', [SCRIPT, caDir], { stdio: 'ignore' });
    const file = ResidentsFile.parse(JSON.parse(readFileSync(path.join(caDir, 'residents.json'), 'utf8')));
    residents = file.residents;
    database = openCertificatesDatabase(path.join(dir, 'db'));
    insertKiosk(database, 'kiosk-one');
    const rootFile = path.join(caDir, file.rootCertificate);
    seedSyntheticResidents(database.db, { certificateIssuer: new X509Certificate(readFileSync(rootFile)).subject });
    auth = new CardAuthService(
      new SqliteCardAuthRepository(database),
      new SqliteResidentRecords(database),
      new FileTrustStore({ anchorFiles: [rootFile], crlFiles: [path.join(caDir, file.crl)] }, silentLogger()),
      new ManualClock(new Date()),
      new CryptoRandom(),
      { catalogues: new Map(), challengeTtlMs: 60_000, sessionTtlMs: 600_000, verifyBaseUrl: 'http://hub' },
      silentLogger(),
    );
  }, 120_000);

  afterAll(() => {
    database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts the good cards as their seeded residents and refuses the revoked one', async () => {
    expect(residents.map((r) => r.id)).toEqual(['toyonaka-001', 'toyonaka-002', 'toyonaka-003', 'toyonaka-004']);
    for (const resident of residents) {
      const key = createPrivateKey(readFileSync(path.join(caDir, resident.privateKey)));
      const certificate = new X509Certificate(readFileSync(path.join(caDir, resident.certificate))).raw;
      const { challenge } = await auth.issueChallenge('kiosk-one');
      // What the card computes: PKCS#1 v1.5 over DigestInfo(SHA-256(challenge)).
      const digestInfo = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), createHash('sha256').update(challenge).digest()]);
      const signature = privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo);
      const attempt = auth.authenticate('kiosk-one', {
        challenge: challenge.toString('base64'),
        certificate: certificate.toString('base64'),
        signature: signature.toString('base64'),
      });
      if (resident.revoked) {
        await expect(attempt).rejects.toMatchObject({ code: 'revoked' } satisfies Partial<CertificateRefusal>);
      } else {
        expect((await attempt).residentId).toBe(resident.id);
      }
    }
  });
});
