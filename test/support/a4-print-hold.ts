import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The agent's virtual A4 queue in its private cupsd (devices' PrivateCups default). */
const A4_QUEUE = 'kiosk-a4';

/**
 * Holds the certificates the agent sends to its virtual A4 printer, the way an operator holds jobs in CUPS:
 * the queue's `job-hold-until-default` becomes `indefinite`, so a job waits in `pending-held` while the
 * printer itself stays idle and healthy (pausing the queue instead makes the agent's printer poll report it
 * offline to the next person). The agent keeps polling the job, and the kiosk stays on its printing screen
 * until `release()`, which stops holding new jobs and lets every held one print.
 */
export async function holdA4Printing(peripheralsDir: string): Promise<{ release(): Promise<void> }> {
  const server = `127.0.0.1:${cupsdPort(peripheralsDir)}`;
  await run('lpadmin', ['-h', server, '-p', A4_QUEUE, '-o', 'job-hold-until-default=indefinite'], { timeout: 10_000 });
  return {
    async release(): Promise<void> {
      await run('lpadmin', ['-h', server, '-p', A4_QUEUE, '-o', 'job-hold-until-default=no-hold'], { timeout: 10_000 });
      for (const jobId of await heldJobIds(server)) await run('lp', ['-h', server, '-i', jobId, '-H', 'resume'], { timeout: 10_000 });
    },
  };
}

/**
 * Makes the agent's virtual A4 printer fail the jobs it is sent, as a printer whose cable is pulled does:
 * the queue's device becomes a serial port that does not exist, with the error policy `abort-job`, so
 * CUPS's serial backend fails at once and CUPS aborts the job, while the queue itself stays idle with no
 * state reason (the kiosk's checks before the flow see nothing wrong). Not `file:/dev/full`: the filters
 * ignore the failed writes and the job ends `completed`. `repair()` puts back the CUPS-PDF device and the
 * default policy.
 */
export async function failA4Printing(peripheralsDir: string): Promise<{ repair(): Promise<void> }> {
  const server = `127.0.0.1:${cupsdPort(peripheralsDir)}`;
  await run('lpadmin', ['-h', server, '-p', A4_QUEUE, '-v', 'serial:/dev/kiosk-a4-unplugged', '-o', 'printer-error-policy=abort-job'], { timeout: 10_000 });
  return {
    async repair(): Promise<void> {
      await run('lpadmin', ['-h', server, '-p', A4_QUEUE, '-v', 'cups-pdf:/', '-o', 'printer-error-policy=stop-printer'], { timeout: 10_000 });
    },
  };
}

/** The loopback port the private cupsd listens on (its `Listen` line). */
function cupsdPort(peripheralsDir: string): number {
  const conf = readFileSync(path.join(peripheralsDir, 'cups', 'cupsd.conf'), 'utf8');
  const port = /^Listen 127\.0\.0\.1:(\d+)$/m.exec(conf)?.[1];
  if (!port) throw new Error(`no loopback Listen line in ${peripheralsDir}/cups/cupsd.conf`);
  return Number(port);
}

/** Ids of the queue's jobs not yet done (`lpstat -o` lines start with `<queue>-<id>`). */
async function heldJobIds(server: string): Promise<string[]> {
  const { stdout } = await run('lpstat', ['-h', server, '-o', A4_QUEUE], { timeout: 10_000 });
  return stdout
    .split('\n')
    .map((line) => new RegExp(`^${A4_QUEUE}-(\\d+)\\s`).exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
}
