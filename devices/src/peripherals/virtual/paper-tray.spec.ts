import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PaperTray } from './paper-tray';

describe('PaperTray (the virtual A4 printer output tray)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'paper-tray-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is created 0700, tightened if it was open, and starts empty', async () => {
    const dir = path.join(root, 'tray');
    mkdirSync(dir, { mode: 0o777 });
    chmodSync(dir, 0o777);
    writeFileSync(path.join(dir, 'left-from-last-run-job_1.pdf'), '%PDF-');
    const tray = new PaperTray(dir);
    await tray.prepare();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(await tray.contents()).toEqual([]);
  });

  it('lists documents by job id, finds one by job name and id, and takes them out', async () => {
    const tray = new PaperTray(path.join(root, 'a', 'tray'));
    await tray.prepare();
    writeFileSync(path.join(tray.dir, 'tx-1-job_12.pdf'), '%PDF-');
    writeFileSync(path.join(tray.dir, 'tx-2-job_3.pdf'), '%PDF-');
    writeFileSync(path.join(tray.dir, 'notes.txt'), 'not a job');
    expect(await tray.contents()).toEqual([
      { jobId: 3, file: path.join(tray.dir, 'tx-2-job_3.pdf') },
      { jobId: 12, file: path.join(tray.dir, 'tx-1-job_12.pdf') },
    ]);
    expect(await tray.find('tx-1', 12)).toBe(path.join(tray.dir, 'tx-1-job_12.pdf'));
    expect(await tray.find('tx-1', 1)).toBeUndefined();
    expect(await tray.take(12)).toBe(true);
    expect(await tray.take(12)).toBe(false);
    expect((await tray.contents()).map((document) => document.jobId)).toEqual([3]);
    await tray.empty();
    expect(await tray.contents()).toEqual([]);
  });

  it('a tray that does not exist is empty', async () => {
    const tray = new PaperTray(path.join(root, 'missing'));
    expect(await tray.contents()).toEqual([]);
    expect(await tray.take(1)).toBe(false);
  });
});
