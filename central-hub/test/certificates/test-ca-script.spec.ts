import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
import { TEST_CA_SCRIPT, makeProjectTestCa, type ProjectTestCa } from './support/project-test-ca';

/**
 * The project's TEST CA (scripts/test-ca/make-test-ca.sh, used by the virtual cards and the demo) as the
 * hub's trust configuration: its residents' cards authenticate as the seeded residents, the revoked one
 * is refused. Skipped only if the script is absent from the checkout.
 */
(existsSync(TEST_CA_SCRIPT) ? describe : describe.skip)('the project TEST CA with the hub verifier', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'test-ca-script-'));
  const caDir = path.join(dir, 'ca');
  let store: HubStore;
  let closeStore: (() => Promise<void>) | undefined;
  let auth: CardAuthService;
  let ca: ProjectTestCa;

  beforeAll(async () => {
    ca = makeProjectTestCa(caDir);
    ({ store, close: closeStore } = await openCertificatesStore());
    await insertKiosk(store, 'kiosk-one');
    await seedSyntheticResidents(store, { certificateIssuer: new X509Certificate(readFileSync(ca.rootFile)).subject });
    auth = new CardAuthService(
      new KyselyCardAuthRepository(store),
      new KyselyResidentRecords(store),
      new FileTrustStore({ anchorFiles: [ca.rootFile], crlFiles: [ca.crlFile] }, silentLogger()),
      new ManualClock(new Date()),
      new CryptoRandom(),
      { catalogues: new Map(), challengeTtlMs: 60_000, sessionTtlMs: 600_000, verifyBaseUrl: 'http://hub', demoServiceTime: null },
      silentLogger(),
    );
  }, 120_000);

  afterAll(async () => {
    await closeStore?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts the good cards as their seeded residents and refuses the revoked one', async () => {
    expect(ca.residents.map((r) => r.id)).toEqual(['toyonaka-001', 'toyonaka-002', 'toyonaka-003', 'toyonaka-004']);
    for (const resident of ca.residents) {
      const { challenge } = await auth.issueChallenge('kiosk-one');
      const { certificate, signature } = ca.cardAnswer(resident.id, challenge);
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
