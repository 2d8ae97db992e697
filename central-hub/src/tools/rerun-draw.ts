/**
 * Re-runs a published lottery draw and prints its winners, so anyone can check the hub's result.
 *
 *   node central-hub/dist/tools/rerun-draw.js --published <draw.json>
 *
 * Checks that SHA-256(seed) equals the commitment published before the entry window closed and, for a
 * draw with a witness (format v2), that the draw seed is SHA-256(seed || witness); re-runs the draw
 * (DRAW.md) from them and the pseudonymous entries, prints the canonical text and its digest, and
 * compares the digest with the one the hub published. Documents of both formats are re-run.
 * Exit codes: 0 the same result; 1 a different result; 2 bad usage or an unreadable document;
 * 3 the seed does not match its commitment, or the draw seed its seed and witness.
 */
import { readFileSync } from 'node:fs';
import { PublishedDrawSchema, toIssues } from '@kiosk/protocols';
import { DrawInputError, commitmentOf, drawInputOf, drawSeedOf, runDraw } from '../domain/lottery/draw';

const USAGE = 'usage: rerun-draw --published <draw.json>\n';

export interface RerunResult {
  exitCode: 0 | 1 | 2 | 3;
  stdout: string;
  stderr: string;
}

/** The whole command as a function of its arguments and file reader, so it is tested without a process. */
export function rerunDraw(args: readonly string[], readFile: (path: string) => string): RerunResult {
  const at = args.indexOf('--published');
  const file = at >= 0 ? args[at + 1] : undefined;
  if (!file || args.length !== 2) return { exitCode: 2, stdout: '', stderr: USAGE };
  let document: unknown;
  try {
    document = JSON.parse(readFile(file));
  } catch (error) {
    return { exitCode: 2, stdout: '', stderr: `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n` };
  }
  const parsed = PublishedDrawSchema.safeParse(document);
  if (!parsed.success) {
    const issues = toIssues(parsed.error).map((i) => `  ${i.path}: ${i.message}\n`).join('');
    return { exitCode: 2, stdout: '', stderr: `${file} is not a published draw:\n${issues}` };
  }
  const draw = parsed.data;
  const actual = commitmentOf(draw.seed);
  if (actual !== draw.commitment) {
    return {
      exitCode: 3,
      stdout: '',
      stderr: `commitment mismatch: SHA-256(seed) = ${actual}, published commitment = ${draw.commitment}\n`,
    };
  }
  if (draw.format === 'kiosk-lottery-draw/v2' && drawSeedOf(draw.seed, draw.witness.value) !== draw.drawSeed) {
    return {
      exitCode: 3,
      stdout: '',
      stderr: `draw seed mismatch: SHA-256(seed || witness) = ${drawSeedOf(draw.seed, draw.witness.value)}, published draw seed = ${draw.drawSeed}\n`,
    };
  }
  try {
    const outcome = runDraw(drawInputOf(draw));
    const same = outcome.digest === draw.resultDigest;
    const verdict = same
      ? `commitment ok; result digest matches the published one\n`
      : `commitment ok; RESULT DIFFERS: published digest ${draw.resultDigest}\n`;
    return { exitCode: same ? 0 : 1, stdout: `${outcome.text}digest ${outcome.digest}\n`, stderr: verdict };
  } catch (error) {
    if (error instanceof DrawInputError) return { exitCode: 2, stdout: '', stderr: `invalid draw data (${error.reason}): ${error.message}\n` };
    throw error;
  }
}

if (require.main === module) {
  const result = rerunDraw(process.argv.slice(2), (path) => readFileSync(path, 'utf8'));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}
