/**
 * Issue 15, finding 5 (hub): nothing in the hub's data directory is readable by another local user.
 * The directory is 0700; the database (password hashes, the resident register, the audit trail), its
 * WAL and SHM files and the admin token are 0600, also when an older install left them readable.
 */
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { enrolKiosk } from '../support/agent-client';
import { TestHub } from '../support/test-hub';

jest.setTimeout(60_000);

const mode = (file: string) => statSync(file).mode & 0o777;

describe('hub data directory modes', () => {
  let hub: TestHub;

  afterEach(async () => {
    await hub.close();
  });

  it('creates the directory 0700 and the database, its WAL and SHM, and the admin token 0600', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'hub-modes-')), 'data', 'hub');
    hub = await TestHub.start({ dir });
    await enrolKiosk(hub); // something written, so the WAL holds it
    expect(mode(dir)).toBe(0o700);
    for (const name of ['hub.sqlite', 'hub.sqlite-wal', 'hub.sqlite-shm', 'admin-token']) expect([name, mode(path.join(dir, name))]).toEqual([name, 0o600]);
  });

  it('takes back what an older install left readable', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-modes-'));
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeFileSync(path.join(dir, 'hub.sqlite'), '', { mode: 0o644 });
    writeFileSync(path.join(dir, 'admin-token'), `${'t'.repeat(32)}\n`, { mode: 0o644 });
    hub = await TestHub.start({ dir });
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'hub.sqlite'))).toBe(0o600);
    expect(mode(path.join(dir, 'admin-token'))).toBe(0o600);
  });
});
