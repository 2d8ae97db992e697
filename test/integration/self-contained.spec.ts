/**
 * A user's clone has nothing beside it, so nothing the project runs, builds or tests may reach a path
 * outside the repository (a newcomer's `npm start` once failed on `../shared/domain/…`). This reads every
 * tracked source file and resolves each relative path written in it against the file's own folder.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../..');
const SOURCE = /\.(?:[cm]?[jt]s|svelte|sh|json)$/;
/** A quoted relative path that climbs: '../x', "../../x", `../y`. */
const CLIMBING_LITERAL = /(['"`])((?:\.\.\/)+[^'"`\s]*)\1/g;
/** A climb above the repository root written as separate segments: path.join(repoRoot, up, …) with up = '..'. */
const CLIMBING_SEGMENTS = /\brepoRoot\s*,\s*(['"])\.\.\1/;

interface Escape {
  file: string;
  line: number;
  text: string;
}

function trackedSources(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter((file) => SOURCE.test(file) && !file.endsWith('package-lock.json'));
}

function escapesIn(file: string): Escape[] {
  const folder = path.dirname(path.join(repoRoot, file));
  const found: Escape[] = [];
  readFileSync(path.join(repoRoot, file), 'utf8')
    .split('\n')
    .forEach((text, index) => {
      const outside = [...text.matchAll(CLIMBING_LITERAL)].some((m) => !isInside(path.resolve(folder, m[2] ?? '')));
      if (outside || CLIMBING_SEGMENTS.test(text)) found.push({ file, line: index + 1, text: text.trim() });
    });
  return found;
}

function isInside(target: string): boolean {
  const relative = path.relative(repoRoot, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

describe('the repository is self-contained', () => {
  it('finds a path that climbs out of the repository (the check itself works)', () => {
    // Built from parts, so that this file does not trip its own check.
    const up = '..';
    const climbOut = `'${[up, up, up, 'shared', 'x.json'].join('/')}'`;
    const staysIn = `'${[up, 'facts', 'x.json'].join('/')}'`;
    const folder = path.join(repoRoot, 'central-hub', 'src');
    const resolved = (literal: string): string => path.resolve(folder, [...literal.matchAll(CLIMBING_LITERAL)][0]?.[2] ?? '');
    expect(isInside(resolved(climbOut))).toBe(false);
    expect(isInside(resolved(staysIn))).toBe(true);
    expect(`path.join(repoRoot, '${up}', 'shared')`).toMatch(CLIMBING_SEGMENTS);
  });

  it('no tracked source file refers to a path outside the repository', () => {
    const files = trackedSources();
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap(escapesIn)).toEqual([]);
  });

  it('ships the domain facts the hub starts with', () => {
    const facts = JSON.parse(readFileSync(path.join(repoRoot, 'central-hub', 'facts', 'toyonaka-facts.json'), 'utf8')) as {
      certificateIssuance: { serviceHours: { open: string; close: string } };
    };
    expect(facts.certificateIssuance.serviceHours).toMatchObject({ open: '06:30', close: '23:00' });
  });
});
