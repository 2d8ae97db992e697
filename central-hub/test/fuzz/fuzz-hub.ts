import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

const hubRoot = path.resolve(__dirname, '..', '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * The hub as its own process (src/main.ts, compiled on the fly like hub-process.ts does), for fuzzing:
 * a crash is the process ending, its memory is its RSS as the kernel counts it, and only its error lines
 * are kept (a fuzz run makes the hub log hundreds of thousands of refusals at `warn`).
 */
export class FuzzHub {
  readonly errors: string[] = [];
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly adminToken: string,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      }),
    );
    if (!child.stdout) throw new Error('no stdout');
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; err?: unknown };
        if ((entry.level ?? 0) >= 50 && this.errors.length < 1000) this.errors.push(`${entry.msg ?? ''} ${JSON.stringify(entry.err ?? '')}`);
      } catch {
        if (this.errors.length < 1000) this.errors.push(line);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (this.errors.length < 1000) this.errors.push(chunk.toString('utf8').slice(0, 2000));
    });
  }

  /** Starts it on a free loopback port with its data in `dir`; resolves once `/health` answers. */
  static async start(dir: string, env: Record<string, string> = {}): Promise<FuzzHub> {
    const port = await freePort();
    const adminToken = randomBytes(24).toString('base64url');
    const child = spawn(process.execPath, ['-r', path.join(hubRoot, 'test', 'support', 'register-ts.cjs'), path.join(hubRoot, 'src', 'main.ts')], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        HUB_PORT: String(port),
        HUB_DATA_DIR: dir,
        HUB_CONSOLE_DIR: path.join(dir, 'no-console'),
        HUB_ADMIN_TOKEN: adminToken,
        HUB_SEED_FACILITIES: '1',
        LOG_LEVEL: 'error',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const hub = new FuzzHub(child, `http://127.0.0.1:${port}`, adminToken);
    const deadline = Date.now() + 60_000;
    while (!(await hub.healthy())) {
      if (!hub.alive) throw new Error(`hub exited at start: ${hub.errors.join('\n')}`);
      if (Date.now() > deadline) throw new Error('hub did not answer /health within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return hub;
  }

  get alive(): boolean {
    return this.exit === null;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resident set size, from /proc (the kernel's count: heap, buffers and native memory together). */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    return Number(kb ?? 0) * 1024;
  }

  async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(5000) });
      return response.status === 200;
    } catch {
      return false;
    }
  }

  async api(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown, token: string | null = this.adminToken): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.url}${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** SIGKILL if still running, and wait for the exit. */
  async stop(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }
}
