import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crlCurrent, crlDer, crlSignedBy, certificateSubjectDer, normaliseSerial, parseCrl } from '../../src/domain/certificates/crl';
import { DerError } from '../../src/domain/certificates/der';
import { createTestPki, type TestPki } from './support/test-pki';

/** The CRL reader against CRLs made by the openssl CLI, and against every way of breaking one. */
describe('CRL reader', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'crl-'));
  let pki: TestPki;
  let emptyPem: Buffer;
  let pem: Buffer;
  let der: Buffer;

  beforeAll(() => {
    pki = createTestPki(dir);
    emptyPem = pki.root.crl({ days: 7 });
    const day = 86_400_000;
    for (const serial of ['1001', '00ff', 'ABCDEF0123456789']) pki.root.issue(serial, new Date(Date.now() - day), new Date(Date.now() + day));
    pki.root.revoke('1001');
    pki.root.revoke('ABCDEF0123456789');
    pki.root.revoke('00ff');
    pem = pki.root.crl({ days: 30 });
    der = execFileSync('openssl', ['crl', '-in', path.join(pki.root.dir, 'crl.pem'), '-outform', 'DER']);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the revoked serials, the dates and the issuer of a PEM or DER CRL', () => {
    const crl = parseCrl(pem);
    expect([...crl.revokedSerials].sort()).toEqual(['1001', 'ABCDEF0123456789', 'FF']);
    expect(parseCrl(der).revokedSerials).toEqual(crl.revokedSerials);
    expect(crl.signatureAlgorithm).toBe('1.2.840.113549.1.1.11');
    expect(Math.abs(crl.thisUpdate.getTime() - Date.now())).toBeLessThan(120_000);
    expect(crl.nextUpdate!.getTime() - crl.thisUpdate.getTime()).toBe(30 * 86_400_000);
    expect(crlCurrent(crl, new Date(crl.thisUpdate.getTime() + 1000))).toBe(true);
    expect(crlCurrent(crl, crl.nextUpdate!)).toBe(false);
    expect(crlCurrent(crl, new Date(crl.thisUpdate.getTime() - 1000))).toBe(false);
    const root = new X509Certificate(pki.root.rootDer);
    expect(crl.issuerDer.equals(certificateSubjectDer(root.raw))).toBe(true);
    expect(crlSignedBy(crl, root.publicKey)).toBe(true);
    expect(crlSignedBy(crl, new X509Certificate(pki.rogue.rootDer).publicKey)).toBe(false);
  });

  it('reads a CRL that revokes nothing', () => {
    expect(parseCrl(emptyPem).revokedSerials.size).toBe(0);
  });

  it('matches serials however they are written', () => {
    expect(normaliseSerial('00ff')).toBe('FF');
    expect(normaliseSerial('0000')).toBe('0');
    expect(normaliseSerial(new X509Certificate(pki.root.rootDer).serialNumber)).toMatch(/^[0-9A-F]+$/);
  });

  it('refuses every truncation of a CRL with a DerError', () => {
    for (let length = 0; length < der.length; length += length < 64 ? 1 : 17) {
      expect(() => parseCrl(der.subarray(0, length))).toThrow(DerError);
    }
  });

  it('refuses trailing bytes, a wrong outer tag and a PEM of something else', () => {
    expect(() => parseCrl(Buffer.concat([der, Buffer.from([0])]))).toThrow(DerError);
    const wrongTag = Buffer.from(der);
    wrongTag[0] = 0x31;
    expect(() => parseCrl(wrongTag)).toThrow(DerError);
    expect(() => crlDer(Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'))).toThrow(DerError);
    expect(() => parseCrl(Buffer.alloc(0))).toThrow(DerError);
  });

  it('detects a tampered list: the signature no longer verifies', () => {
    const tampered = Buffer.from(der);
    // Change one revoked serial's last byte (…ABCDEF0123456789 → …8A).
    const at = tampered.indexOf(Buffer.from('abcdef0123456789', 'hex'));
    expect(at).toBeGreaterThan(0);
    tampered[at + 7] = 0x8a;
    const crl = parseCrl(tampered);
    expect(crl.revokedSerials.has('ABCDEF012345678A')).toBe(true);
    expect(crlSignedBy(crl, new X509Certificate(pki.root.rootDer).publicKey)).toBe(false);
  });

  it('never throws anything but a DerError on random corruption', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 500; i++) {
      const corrupt = Buffer.from(der);
      for (let k = 0; k < 3; k++) corrupt[next() % corrupt.length] = next() & 0xff;
      try {
        parseCrl(corrupt);
      } catch (error) {
        expect(error).toBeInstanceOf(DerError);
      }
    }
  });
});
