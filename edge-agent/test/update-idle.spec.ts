/**
 * Issue 19: an update switches only when the kiosk is idle. The update service with the agent's real
 * session tracker and the real certificate money ledger on an SQLite file (the hub at its seam is a
 * recorder): a certificate payment in progress holds the switch, also after the session ended while the
 * paid certificate is still being issued and printed; it goes ahead once the transaction completed.
 * Duration: about 1 s.
 */
import path from 'node:path';
import type { UpdateReport } from '@kiosk/protocols';
import { systemClock } from '../src/clock';
import { CertificateTransactions } from '../src/certificates/transaction-store';
import { DeviceRegistry } from '../src/hardware/device-manager';
import { KioskSessions } from '../src/server/kiosk-sessions';
import { AgentState } from '../src/status/agent-state';
import { AgentStore } from '../src/store/agent-store';
import { InstallLayout } from '../src/update/install-state';
import { UpdateJobFile } from '../src/update/update-job';
import { UpdateService } from '../src/update/update-service';
import { silentLogger, tempDir, waitFor } from './support/agent-harness';

const VERSION = '2.0.0';

describe('the update waits for a certificate payment to end', () => {
  const temp = tempDir('update-idle');
  const store = AgentStore.open(path.join(temp.dir, 'agent', 'agent.sqlite'), 'kiosk-idle', systemClock);
  const ledger = store.repository((db) => new CertificateTransactions(db, systemClock));
  const state = new AgentState('kiosk-idle', new DeviceRegistry(), { outOfService: false });
  const sessions = new KioskSessions(state, systemClock, silentLogger);
  const layout = new InstallLayout(path.join(temp.dir, 'install'));
  const jobs = new UpdateJobFile(path.join(temp.dir, 'agent'));
  const reports: UpdateReport[] = [];
  let restarts = 0;
  const service = new UpdateService({
    jobs,
    layout,
    releaseKey: new Uint8Array(44),
    hub: {
      connected: () => true,
      chunk: () => Promise.reject(new Error('no download in this test')),
      report: (report) => {
        reports.push(report);
        return Promise.resolve({ ok: true });
      },
    },
    running: 'base',
    activity: {
      facts: () => ({ sessionActive: sessions.current() !== null, unfinishedTransactions: ledger.unfinished().length }),
      onChange: (listener) => sessions.onChange(listener),
    },
    health: () => ({ hubConnected: true, devices: [], backlog: 0 }),
    requestRestart: () => (restarts += 1),
    beforeSwitch: () => state.setOutOfService(true),
    clock: systemClock,
    logger: silentLogger,
    pollMs: 20,
  });

  afterAll(() => {
    service.stop();
    store.close();
    temp.cleanup();
  });

  it('holds the switch through the payment, issue and print, and switches once the transaction completed', async () => {
    const begun = sessions.begin({ service: 'certificates', language: 'ja' });
    if (!begun.ok) throw new Error('no session');
    const transactionId = begun.sessionId;
    ledger.open({ transactionId, certificateType: 'juminhyo', copies: 1, feeYen: 200 });
    ledger.credit(transactionId, 100, true);
    // A downloaded and unpacked release waits for the switch (as a restarted agent finds it).
    jobs.write({ params: { version: VERSION, artefactSha256: 'a'.repeat(64), artefactBytes: 1, chunkBytes: 1 }, phase: 'installed', restarts: 0 });
    service.resume();
    await waitFor('waiting-idle reported', () => reports.some((report) => report.state === 'waiting-idle'));

    ledger.credit(transactionId, 100, true);
    expect(ledger.get(transactionId)?.state).toBe('paid');
    sessions.end({ reason: 'done' });
    // The session listener looked again at once: the paid certificate is not issued and printed yet.
    expect(restarts).toBe(0);
    ledger.apply(transactionId, { type: 'issue', serial: 'S-0001' });
    ledger.apply(transactionId, { type: 'print' });
    expect(restarts).toBe(0);
    expect(layout.readState().active).toBe('base');

    ledger.apply(transactionId, { type: 'complete' });
    await waitFor('the restart for the switch', () => restarts === 1);
    expect(layout.readState()).toMatchObject({ active: VERSION, previous: 'base', trial: { version: VERSION } });
    expect(jobs.read()?.phase).toBe('switched');
    expect(state.isOutOfService()).toBe(true);
    expect(reports.map((report) => report.state)).toEqual(['waiting-idle', 'switching']);
  });
});
