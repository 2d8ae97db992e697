import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class TestCaError extends Error {
  readonly code = 'test_ca_failed';
}

/**
 * Makes sure the project's TEST CA (never J-LIS) exists in `dir`, by running scripts/test-ca/make-test-ca.sh,
 * which is idempotent: a finished directory is left as it is, so the virtual residents (and their PIN
 * counters' certificates) stay the same from one demo start to the next. Demo mode only.
 */
export async function ensureTestCa(repoRoot: string, dir: string): Promise<void> {
  const script = path.join(repoRoot, 'scripts', 'test-ca', 'make-test-ca.sh');
  try {
    await run('bash', [script, dir], { cwd: repoRoot, timeout: 60_000 });
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    throw new TestCaError(`could not create the test CA in ${dir}: ${typeof stderr === 'string' && stderr.trim() ? stderr.trim() : String(error)}`);
  }
}
