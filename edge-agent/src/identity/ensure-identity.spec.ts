import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { FetchLike } from './enrolment';
import { ensureIdentity } from './ensure-identity';
import { IdentityFile, PendingKeyFile } from './identity-file';

describe('ensureIdentity with several hubs in HUB_URL (issue 14)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'identity-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('asks the next hub of the list when one is unreachable', async () => {
    const asked: string[] = [];
    const fetch: FetchLike = (url) => {
      asked.push(url);
      if (url.startsWith('http://hub-a')) return Promise.reject(new Error('connect ECONNREFUSED'));
      return Promise.resolve({ status: 201, json: () => Promise.resolve({ kioskId: 'kiosk-0001' }) });
    };
    const identity = await ensureIdentity({
      file: new IdentityFile(path.join(dir, 'identity.json')),
      enrolmentCode: 'ABCD-1234-EFGH',
      hubUrl: ['http://hub-a', 'http://hub-b'],
      fetch,
      backoff: { minMs: 1, maxMs: 2 },
      logger: pino({ level: 'silent' }),
    });
    expect(identity.kioskId).toBe('kiosk-0001');
    expect(asked).toEqual(['http://hub-a/api/kiosks/enrol', 'http://hub-b/api/kiosks/enrol']);
  });

  it('presents the same key again after dying between the hub’s answer and the saved identity (issue 15)', async () => {
    const file = new IdentityFile(path.join(dir, 'identity.json'));
    const presented: string[] = [];
    const fetch: FetchLike = (_url, init) => {
      presented.push((JSON.parse(init.body) as { publicKey: string }).publicKey);
      return Promise.resolve({ status: 201, json: () => Promise.resolve({ kioskId: 'kiosk-0001' }) });
    };
    const deps = { file, enrolmentCode: 'ABCD-1234-EFGH', hubUrl: 'http://hub-a', fetch, backoff: { minMs: 1, maxMs: 2 }, logger: pino({ level: 'silent' }) };
    const died = new Error('SIGKILL stand-in');
    await expect(
      ensureIdentity({
        ...deps,
        redeemed: () => {
          throw died;
        },
      }),
    ).rejects.toBe(died);
    expect(file.load()).toBeNull();
    expect(PendingKeyFile.besides(file).load()?.publicKeySpkiBase64).toBe(presented[0]);

    const identity = await ensureIdentity(deps);
    expect(presented).toEqual([presented[0], presented[0]]);
    expect(identity).toMatchObject({ kioskId: 'kiosk-0001', publicKeySpkiBase64: presented[0] });
    expect(PendingKeyFile.besides(file).load()).toBeNull();
  });
});
