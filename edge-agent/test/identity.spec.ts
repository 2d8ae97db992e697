/** First start: key pair, enrolment over REST against a real HTTP hub, identity.json written safely. */
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EnrolmentError } from '../src/identity/enrolment';
import { ensureIdentity, NotEnrolledError } from '../src/identity/ensure-identity';
import { IdentityFile, IdentityFileError } from '../src/identity/identity-file';
import { generateKioskKeyPair } from '../src/identity/kiosk-keys';
import { MiniHub } from './support/mini-hub';
import { silentLogger, tempDir } from './support/agent-harness';

describe('agent identity', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: MiniHub;
  let file: IdentityFile;

  beforeEach(async () => {
    tmp = tempDir('identity');
    hub = new MiniHub();
    await hub.start();
    file = new IdentityFile(path.join(tmp.dir, 'agent', 'identity.json'));
  });

  afterEach(async () => {
    await hub.stop();
    tmp.cleanup();
  });

  function ensure(code: string | null, hubUrl = hub.url, signal?: AbortSignal) {
    return ensureIdentity({
      file,
      enrolmentCode: code,
      hubUrl,
      fetch,
      backoff: { minMs: 20, maxMs: 50 },
      logger: silentLogger,
      ...(signal ? { signal } : {}),
    });
  }

  it('enrols with a one-time code and stores the identity with mode 0600', async () => {
    const identity = await ensure(hub.createEnrolmentCode('kiosk-enrol-test'));
    expect(identity.kioskId).toBe('kiosk-enrol-test');
    expect(file.load()).toEqual(identity);
    expect(statSync(file.file).mode & 0o777).toBe(0o600);
    // Next start: the stored identity is used and the (now used) code is not sent again.
    expect(await ensure('code-that-was-used')).toEqual(identity);
  });

  it('fails clearly when the hub refuses the code, writing nothing', async () => {
    const refused = ensure('not-a-real-code');
    await expect(refused).rejects.toBeInstanceOf(EnrolmentError);
    await expect(ensure('not-a-real-code')).rejects.toMatchObject({ reason: 'refused', hubCode: 'invalid_enrolment_code' });
    expect(file.load()).toBeNull();
  });

  it('refuses a reused code', async () => {
    const code = hub.createEnrolmentCode('kiosk-reuse-test');
    await ensure(code);
    const second = new IdentityFile(path.join(tmp.dir, 'other', 'identity.json'));
    await expect(
      ensureIdentity({ file: second, enrolmentCode: code, hubUrl: hub.url, fetch, backoff: { minMs: 20, maxMs: 50 }, logger: silentLogger }),
    ).rejects.toMatchObject({ reason: 'refused' });
  });

  it('fails clearly with no identity and no code', async () => {
    await expect(ensure(null)).rejects.toBeInstanceOf(NotEnrolledError);
    await expect(ensure(null)).rejects.toThrow(/AGENT_ENROLMENT_CODE/);
  });

  it('waits for a hub that is not up yet, then enrols', async () => {
    const code = hub.createEnrolmentCode('kiosk-late-hub');
    const port = hub.port;
    await hub.stop();
    const pending = ensure(code, `http://127.0.0.1:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await hub.start();
    await expect(pending).resolves.toMatchObject({ kioskId: 'kiosk-late-hub' });
  });

  it('gives up waiting when aborted', async () => {
    const port = hub.port;
    await hub.stop();
    const abort = new AbortController();
    const pending = ensure('some-enrolment-code', `http://127.0.0.1:${port}`, abort.signal);
    setTimeout(() => abort.abort(), 100);
    await expect(pending).rejects.toMatchObject({ reason: 'unreachable' });
  });

  it('treats a damaged identity file as an error, never as "not enrolled"', async () => {
    file.save({ kioskId: 'kiosk-damaged', ...generateKioskKeyPair() });
    writeFileSync(file.file, '{"kioskId": "kiosk-damaged"}');
    expect(() => file.load()).toThrow(IdentityFileError);
    await expect(ensure(hub.createEnrolmentCode('kiosk-damaged'))).rejects.toBeInstanceOf(IdentityFileError);
  });
});
