/**
 * The README's run command as a person uses it: `npm start`, then the hub stopped and started alone
 * (`npm run hub:stop` / `hub:start`) while the kiosk stays up and comes back online, then SIGINT to the
 * `npm start` process itself stops everything it started (npm once left the demo running).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KioskSummarySchema } from '@kiosk/protocols';
import { freePort, repoRoot, waitUntil } from '../support/processes';

jest.setTimeout(300_000);

const run = promisify(execFile);

/** Every live descendant of `pid` (from /proc), so the test can tell that nothing was left behind. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const visit = (parent: number): void => {
    for (const child of parents.get(parent) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

describe('npm start (the demo)', () => {
  let dataDir: string;
  let demo: ChildProcess | undefined;
  /** Every process seen under `npm start`, killed at the end whatever happened. */
  const started = new Set<number>();
  const remember = (pids: number[]): number[] => {
    pids.forEach((pid) => started.add(pid));
    return pids;
  };

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'kiosk-demo-run-'));
  });

  afterAll(() => {
    // Whatever the test's outcome, nothing it started outlives it.
    for (const pid of [...(demo?.pid === undefined ? [] : [demo.pid]), ...started]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops and starts the hub alone, and stops everything on SIGINT to npm', async () => {
    const hubPort = await freePort();
    const uiPort = await freePort();
    const env = { ...process.env, KIOSK_DATA_DIR: dataDir, HUB_PORT: String(hubPort), AGENT_UI_PORT: String(uiPort), DEMO_SERVICE_TIME: '12:00' };
    const hub = `http://127.0.0.1:${hubPort}`;
    const kiosk = `http://127.0.0.1:${uiPort}/`;

    const npm = spawn('npm', ['start'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    demo = npm;
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.once('exit', (code, signal) => resolve({ code, signal })));
    await waitUntil('the demo says it is running', () => output.includes('Press Ctrl-C') || npm.exitCode !== null, 240_000, 500);
    expect(output).toContain('Press Ctrl-C');
    expect(remember(descendants(npm.pid ?? -1)).length).toBeGreaterThanOrEqual(3); // start.mjs, the hub, the agent (and the agent's devices)

    const token = readFileSync(path.join(dataDir, 'hub', 'admin-token'), 'utf8').trim();
    const kioskOnline = async (): Promise<boolean> => {
      const response = await fetch(`${hub}/api/kiosks`, { headers: { authorization: `Bearer ${token}` } });
      return KioskSummarySchema.array().parse(await response.json()).some((k) => k.online);
    };
    await waitUntil('the demo kiosk is online', kioskOnline, 60_000, 500);

    const stop = await run('npm', ['run', '--silent', 'hub:stop'], { cwd: repoRoot, env });
    expect(stop.stdout.trim()).toBe('hub stopped');
    expect(await answers(`${hub}/health`)).toBe(false);
    // The kiosk (agent, UI server, devices) stays up without its hub.
    expect(await answers(kiosk)).toBe(true);
    expect(npm.exitCode).toBeNull();

    const start = await run('npm', ['run', '--silent', 'hub:start'], { cwd: repoRoot, env });
    expect(start.stdout.trim()).toBe(`hub started: ${hub}/health`);
    expect(await answers(`${hub}/health`)).toBe(true);
    await waitUntil('the kiosk is back online with the restarted hub', kioskOnline, 90_000, 500);

    const running = remember(descendants(npm.pid ?? -1));
    npm.kill('SIGINT');
    const stillRunning = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 60_000).unref());
    expect(await Promise.race([exited, stillRunning])).toEqual({ code: 0, signal: null });
    await waitUntil('every process the demo started has exited', () => running.every((pid) => !alive(pid)), 30_000, 200);
    expect(await answers(kiosk)).toBe(false);
    expect(await answers(`${hub}/health`)).toBe(false);
  });
});
