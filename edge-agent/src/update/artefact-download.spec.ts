import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { ReleaseChunkRequest, UpdateReport } from '@kiosk/protocols';
import { systemClock } from '../clock';
import { downloadArtefact, sha256Of } from './artefact-download';
import type { UpdateHub } from './hub-updates';
import { InstallLayout } from './install-state';
import { UpdateJobFile } from './update-job';
import { UpdateService } from './update-service';

const ARTEFACT = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) % 256));
const PARAMS = { version: '1.2.0', artefactSha256: createHash('sha256').update(ARTEFACT).digest('hex'), artefactBytes: ARTEFACT.length, chunkBytes: 256 };

/** The hub's side of the contract over an artefact in memory, recording what it was asked. */
function hubServing(requests: ReleaseChunkRequest[], reports: UpdateReport[] = []): UpdateHub {
  return {
    connected: () => true,
    chunk: (request) => {
      requests.push(request);
      return Promise.resolve({ ok: true, offset: request.offset, bytes: ARTEFACT.subarray(request.offset, request.offset + request.length) });
    },
    report: (report) => {
      reports.push(report);
      return Promise.resolve({ ok: true });
    },
  };
}

describe('artefact download', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'artefact-download-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('continues from the bytes an earlier process left on disk (an agent restart mid-download)', async () => {
    const partial = path.join(dir, 'update', '1.2.0.partial');
    const requests: ReleaseChunkRequest[] = [];
    const deps = { hub: hubServing(requests), waitForHub: () => Promise.resolve(), pause: () => Promise.resolve(), progress: () => undefined };
    // The earlier process got 300 bytes (one chunk and part of the next) before it stopped.
    await downloadArtefact({ ...PARAMS, artefactBytes: 300 }, partial, deps, new AbortController().signal);
    expect(readFileSync(partial)).toHaveLength(300);
    requests.length = 0;
    await downloadArtefact(PARAMS, partial, deps, new AbortController().signal);
    expect(requests.map((request) => [request.offset, request.length])).toEqual([
      [300, 256],
      [556, 256],
      [812, 188],
    ]);
    expect(await sha256Of(partial)).toBe(PARAMS.artefactSha256);
  });

  it('refuses an offer without a release key, saying why, and records nothing', () => {
    const reports: UpdateReport[] = [];
    const jobs = new UpdateJobFile(path.join(dir, 'agent'));
    const service = new UpdateService({
      jobs,
      layout: new InstallLayout(path.join(dir, 'install')),
      releaseKey: 'no release public key configured (AGENT_RELEASE_PUBLIC_KEY_FILE)',
      hub: hubServing([], reports),
      running: 'base',
      activity: { facts: () => ({ sessionActive: false, unfinishedTransactions: 0 }), onChange: () => () => undefined },
      health: () => ({ hubConnected: true, devices: [], backlog: 0 }),
      requestRestart: () => undefined,
      beforeSwitch: () => undefined,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
    });
    const offer = service.offer(PARAMS);
    expect(offer).toEqual({ status: 'failed', detail: 'updates refused: no release public key configured (AGENT_RELEASE_PUBLIC_KEY_FILE)' });
    expect(reports).toEqual([{ version: '1.2.0', state: 'failed', detail: offer.detail }]);
    expect(jobs.read()).toBeNull();
  });
});
