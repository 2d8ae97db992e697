import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const script = path.join(__dirname, '..', 'scripts', 'js-budget.mjs');

/** Runs the budget check on a made-up build: its exit status and what it printed. */
function check(dist: string): { status: number; output: string } {
  try {
    return { status: 0, output: execFileSync(process.execPath, [script, dist], { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { status: failed.status, output: failed.stdout + failed.stderr };
  }
}

/** A build whose index.html loads `entry` and preloads `preload`; `lazy` is a chunk nobody names there. */
function build(files: { entry: Buffer | string; preload?: Buffer | string; lazy?: Buffer | string }): string {
  const dist = mkdtempSync(path.join(tmpdir(), 'js-budget-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'assets', 'index-a1.js'), files.entry);
  if (files.preload !== undefined) writeFileSync(path.join(dist, 'assets', 'vendor-b2.js'), files.preload);
  if (files.lazy !== undefined) writeFileSync(path.join(dist, 'assets', 'later-c3.js'), files.lazy);
  const preload = files.preload === undefined ? '' : '<link rel="modulepreload" crossorigin href="./assets/vendor-b2.js">';
  writeFileSync(path.join(dist, 'index.html'), `<!doctype html><script type="module" crossorigin src="./assets/index-a1.js"></script>${preload}`);
  return dist;
}

/**
 * The kiosk's JS budget check (issue 17) that the UI build runs after the kiosk build: it must print the
 * figure and fail (exit 1, so the build, `npm test` and CI fail) when what the kiosk loads at start is over.
 */
describe('kiosk JS budget check', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const made = (dist: string) => (dirs.push(dist), dist);

  it('passes a small kiosk and prints its gzipped size', () => {
    const result = check(made(build({ entry: 'console.log("hello");\n'.repeat(100) })));
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/kiosk JS at start: \d+\.\d KB gzipped \(budget \d+ KB, target 80 KB\)/);
  });

  it('fails, printing the figure, when the entry and its preloads together are over budget', () => {
    // Random bytes do not compress: 100 KB + 60 KB of them is over any budget below 160 KB.
    const result = check(made(build({ entry: randomBytes(100 * 1024).toString('base64'), preload: randomBytes(60 * 1024).toString('base64') })));
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/OVER BUDGET: kiosk JS at start: \d+\.\d KB gzipped/);
    expect(result.output).toContain('2 file(s)');
  });

  it('does not count a chunk loaded on demand', () => {
    const result = check(made(build({ entry: 'export {};\n', lazy: randomBytes(300 * 1024).toString('base64') })));
    expect(result.status).toBe(0);
    expect(result.output).toContain('loaded on demand, not counted: later-c3.js');
  });
});
