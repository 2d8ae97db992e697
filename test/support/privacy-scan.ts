import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What must not be left anywhere on the kiosk after a session. */
export interface Secret {
  /** Names the secret in a failure, never its value ("PIN", "name", "address"). */
  label: string;
  value: string;
  /** Digits-only secrets (a PIN) match as a whole number only, not inside a longer one. */
  kind: 'number' | 'text';
}

/** What a test resident must never leave behind: the PIN, the name (as written, without its space, in kana), the address. */
export function residentSecrets(resident: { pin: string; nameJa: string; nameKana: string; address: string }): Secret[] {
  return [
    pinSecret(resident.pin),
    { label: 'name', value: resident.nameJa, kind: 'text' },
    { label: 'name without space', value: resident.nameJa.replace(/\s/g, ''), kind: 'text' },
    { label: 'name in kana', value: resident.nameKana, kind: 'text' },
    { label: 'address', value: resident.address, kind: 'text' },
  ];
}

/** A PIN as a whole number: ids, digests and entry numbers are full of digit runs it would turn up inside by chance. */
export function pinSecret(pin: string): Secret {
  return { label: 'PIN', value: pin, kind: 'number' };
}

export interface Finding {
  source: string;
  secret: string;
}

/**
 * Ids and timestamps are full of digit runs; a 4-digit PIN would turn up inside them by chance. They are
 * blanked before a numeric secret is searched for (a PIN is never stored as a UUID or an ISO timestamp).
 */
const NOISE = [
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
  /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?/g,
];

export function containsSecret(text: string, secret: Secret): boolean {
  if (secret.kind === 'text') return text.includes(secret.value);
  const cleaned = NOISE.reduce((current, pattern) => current.replace(pattern, ' '), text);
  return new RegExp(`(?<![0-9A-Za-z])${secret.value}(?![0-9A-Za-z])`).test(cleaned);
}

export function scanTexts(sources: ReadonlyArray<{ source: string; text: string }>, secrets: readonly Secret[]): Finding[] {
  return sources.flatMap(({ source, text }) =>
    secrets.filter((secret) => containsSecret(text, secret)).map((secret) => ({ source, secret: secret.label })),
  );
}

/**
 * A file's text as a person with `grep` would search it: UTF-8 (SQLite stores text as UTF-8, so names and
 * addresses in a database file show up as themselves); a PDF is searched through `pdftotext`, because its
 * text is compressed and would never match a plain grep.
 */
export function fileText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return '';
  }
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    try {
      return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    } catch (error) {
      return `(pdftotext failed: ${error instanceof Error ? error.message : String(error)})`;
    }
  }
  return bytes.toString('utf8');
}

/** A print job as CUPS-PDF names its output: `<title>…-job_<id>.pdf` (the title is the IPP job name). */
export interface PrintedJob {
  title: string;
  jobId: number;
}

/**
 * The paper a job left in a CUPS-PDF output directory, found by name: CUPS-PDF re-renders the text as
 * outlines, so a certificate's PDF would pass any text scan while still showing the resident's name to
 * whoever opens it. Its existence is the finding. In `shared` directories (the system's CUPS-PDF spool,
 * written to by every cupsd on the machine, each numbering its jobs from 1) only the title identifies it.
 */
export function paperLeft(dir: string, job: PrintedJob, options: { shared?: boolean } = {}): Finding[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(job.title) || (!options.shared && name.endsWith(`-job_${job.jobId}.pdf`)))
    .map((name) => ({ source: path.join(dir, name), secret: `printed job ${job.jobId}` }));
}
