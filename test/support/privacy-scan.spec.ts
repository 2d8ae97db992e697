import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { containsSecret, paperLeft, pinSecret, scanTexts, type Secret } from './privacy-scan';

const pin: Secret = pinSecret('2580');
const name: Secret = { label: 'name', value: '豊中 花子', kind: 'text' };

describe('privacy scan', () => {
  it('finds a PIN wherever it stands as a number of its own', () => {
    expect(containsSecret('{"pin":"2580"}', pin)).toBe(true);
    expect(containsSecret('digits 2580 typed', pin)).toBe(true);
    expect(containsSecret('pin=2580\n', pin)).toBe(true);
  });

  it('does not mistake ids, timestamps or longer numbers for the PIN', () => {
    expect(containsSecret('01a24762-2580-7239-b09b-984a400dfb4f', pin)).toBe(false);
    expect(containsSecret('"time":"2026-12-05T18:02:58.025Z"', pin)).toBe(false);
    expect(containsSecret('seq 125801', pin)).toBe(false);
    expect(containsSecret('hex a2580f', pin)).toBe(false);
    // A public draw document's digest began "0023454…" once, and a plain substring check took it for the PIN 2345.
    expect(containsSecret('"resultDigest":"00258048d61d0777"', pin)).toBe(false);
    expect(containsSecret('"ref":"3125809971"', pin)).toBe(false);
  });

  it('finds text secrets as they are and names only the kind of secret found', () => {
    const findings = scanTexts(
      [
        { source: 'agent log', text: '{"msg":"resident","name":"豊中 花子"}' },
        { source: 'agent.sqlite', text: 'nothing personal here' },
      ],
      [pin, name],
    );
    expect(findings).toEqual([{ source: 'agent log', secret: 'name' }]);
  });

  it('finds a printed job left in an output directory by its name, by job id only where the directory is its own', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'paper-left-'));
    try {
      const job = { title: '0192f3a0-7b1e-7cc4-9a3b-1f2e3d4c5b6c', jobId: 7 };
      expect(paperLeft(dir, job)).toEqual([]);
      writeFileSync(path.join(dir, 'test-page-document-printer-job_7.pdf'), '%PDF-');
      expect(paperLeft(dir, job)).toEqual([{ source: path.join(dir, 'test-page-document-printer-job_7.pdf'), secret: 'printed job 7' }]);
      expect(paperLeft(dir, job, { shared: true })).toEqual([]);
      writeFileSync(path.join(dir, `${job.title}-job_7.pdf`), '%PDF-');
      expect(paperLeft(dir, job, { shared: true })).toHaveLength(1);
      expect(paperLeft(path.join(dir, 'missing'), job)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
