import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { certificateFingerprint } from '../domain/lottery/certificate-fingerprint';

const TestCaResidents = z.object({
  residents: z.array(z.object({ id: z.string(), certificate: z.string() })),
});

/**
 * Demo only: the certificate fingerprints of the TEST CA's virtual-card residents, read from the
 * residents.json that scripts/test-ca/make-test-ca.sh writes next to `ca/` (so `<anchor dir>/../residents.json`
 * for a trust anchor `ca/root.cert.pem`). Anchors that are not a test CA directory give nothing.
 */
export function testCaResidentFingerprints(anchorFiles: readonly string[]): Map<string, string> {
  const fingerprints = new Map<string, string>();
  for (const anchorFile of anchorFiles) {
    const caDir = path.resolve(path.dirname(anchorFile), '..');
    const file = path.join(caDir, 'residents.json');
    if (!existsSync(file)) continue;
    for (const resident of TestCaResidents.parse(JSON.parse(readFileSync(file, 'utf8'))).residents) {
      const der = new X509Certificate(readFileSync(path.join(caDir, resident.certificate))).raw;
      fingerprints.set(resident.id, certificateFingerprint(der));
    }
  }
  return fingerprints;
}
