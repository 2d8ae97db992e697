import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig, type HubConfig } from '../../src/config';
import { createHub, type HubHandle, type HubOverrides } from '../../src/create-hub';
import { factsFile } from '../certificates/support/facts';
import { LogCapture } from './log-capture';
import { testDatabaseConfig } from './test-store';
import type { DatabaseConfig } from '../../src/config';

export interface TestHubOptions {
  config?: Partial<HubConfig>;
  overrides?: Omit<HubOverrides, 'logDestination'>;
  dir?: string;
}

/**
 * A real hub in this process: real SQLite file in a fresh temporary directory, real HTTP and socket.io
 * server on an ephemeral loopback port. `close()` stops it and removes the directory.
 */
export class TestHub {
  readonly logs = new LogCapture();
  readonly dir: string;
  private handle: HubHandle | undefined;
  private readers: Database.Database[] = [];

  private constructor(
    dir: string,
    /** This run's engine (test-store.ts): the SQLite file in `dir`, or a PostgreSQL database of its own, kept across restarts. */
    readonly database: DatabaseConfig,
    private readonly dropDatabase: () => Promise<void>,
  ) {
    this.dir = dir;
  }

  static async start(options: TestHubOptions = {}): Promise<TestHub> {
    const { database, drop } = await testDatabaseConfig();
    const hub = new TestHub(options.dir ?? mkdtempSync(path.join(tmpdir(), 'central-hub-test-')), database, drop);
    await hub.listen(options);
    return hub;
  }

  /** Starts (again) on the same directory, e.g. after `stop()`. */
  async listen(options: TestHubOptions = {}): Promise<void> {
    const defaults = parseConfig(
      { HUB_PORT: '0', HUB_DATA_DIR: this.dir, HUB_CONSOLE_DIR: path.join(this.dir, 'no-console'), HUB_FACTS_FILE: factsFile(), LOG_LEVEL: 'debug' },
      { repoRoot: this.dir },
    );
    this.handle = await createHub({ ...defaults, database: this.database, ...options.config }, { ...options.overrides, logDestination: this.logs });
  }

  get hub(): HubHandle {
    if (!this.handle) throw new Error('hub not started');
    return this.handle;
  }

  get url(): string {
    return this.hub.url;
  }

  /** Creates a technician account with the admin token; resolves with its password. */
  async createUser(username: string, role: 'viewer' | 'technician' | 'administrator', municipality: string | null, password = `${username}-password-1`): Promise<string> {
    const created = await this.api('POST', '/api/users', { username, password, role, municipality });
    if (created.status !== 201) throw new Error(`create user: ${created.status} ${JSON.stringify(created.body)}`);
    return password;
  }

  /** Signs in over REST; resolves with the session token. */
  async login(username: string, password: string): Promise<string> {
    const response = await this.api('POST', '/api/auth/login', { username, password }, null);
    if (response.status !== 200) throw new Error(`login: ${response.status} ${JSON.stringify(response.body)}`);
    return (response.body as { token: string }).token;
  }

  async api(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown, token: string | null = this.hub.adminToken): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  /** A read-only connection to the hub's own database file, as the cross-package tests use it. */
  db(): Database.Database {
    const db = new Database(path.join(this.dir, 'hub.sqlite'), { readonly: true, fileMustExist: true });
    this.readers.push(db);
    return db;
  }

  count(sql: string, ...params: unknown[]): number {
    return this.db().prepare(sql).pluck().get(...params) as number;
  }

  /** Stops the hub but keeps its directory (for restart tests). */
  async stop(): Promise<void> {
    for (const reader of this.readers.splice(0)) reader.close();
    await this.handle?.close();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.dropDatabase();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
