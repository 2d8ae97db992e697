/**
 * The maintenance commands across real processes (the built hub and agent): `logs.upload` puts the
 * agent's own log lines of the last N minutes on the hub, redacted, for a technician to download;
 * `agent.restart` makes the agent process exit, its supervisor (here the harness, on a kiosk systemd)
 * starts it again, the new process reports the command succeeded, exactly once, and a replay of the
 * command does not restart it again.
 */
import { CommandViewSchema, type CommandView } from '@kiosk/protocols';
import type { NodeProcess } from '../support/processes';
import { waitUntil } from '../support/processes';
import { TestSystem } from '../support/system';

jest.setTimeout(120_000);

describe('fleet maintenance commands (real hub and agent processes)', () => {
  const system = new TestSystem();
  let kioskId: string;

  beforeAll(async () => {
    await system.startHub();
    await system.startAgent({}, { supervise: true });
    kioskId = system.identity().kioskId;
    await system.agent?.waitForLog((entry) => entry.msg === 'hub connected');
  });

  afterAll(async () => {
    await system.close();
  });

  async function api(method: 'GET' | 'POST', route: string, body?: unknown): Promise<Response> {
    return fetch(`${system.hubUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${system.adminToken()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async function send(type: string, params: unknown): Promise<string> {
    const response = await api('POST', `/api/kiosks/${kioskId}/commands`, { type, params });
    expect(response.status).toBe(201);
    return ((await response.json()) as { commandId: string }).commandId;
  }

  async function command(commandId: string): Promise<CommandView | undefined> {
    const response = await api('GET', `/api/kiosks/${kioskId}/commands`);
    return CommandViewSchema.array()
      .parse(await response.json())
      .find((candidate) => candidate.commandId === commandId);
  }

  async function finished(commandId: string): Promise<CommandView> {
    let view: CommandView | undefined;
    await waitUntil(`command ${commandId} finished`, async () => {
      view = await command(commandId);
      return view !== undefined && ['succeeded', 'failed', 'expired'].includes(view.status);
    });
    return view as CommandView;
  }

  /** The `command.result` events the hub holds for a command (exactly-once means one). */
  async function resultsOnHub(commandId: string): Promise<{ status: string }[]> {
    // The payload is picked apart here, not in SQL: JSON functions differ between the engines.
    const rows = await system.hubRecords.rows<{ payload_json: string }>(`SELECT payload_json FROM events WHERE type = 'command.result'`);
    return rows
      .map((row) => JSON.parse(row.payload_json) as { commandId: string; status: string })
      .filter((payload) => payload.commandId === commandId)
      .map(({ status }) => ({ status }));
  }

  it('uploads the last N minutes of the agent log, redacted, for a technician to download (audited)', async () => {
    const agent = system.agent as NodeProcess;
    const commandId = await send('logs.upload', { minutes: 2 });
    const done = await finished(commandId);
    expect(done.status).toBe('succeeded');
    expect(done.detail).toMatch(/^uploaded \d+ log lines from the last 2 min in \d+ chunks?$/);

    const response = await api('GET', `/api/kiosks/${kioskId}/commands/${commandId}/logs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-log-complete')).toBe('true');
    const text = await response.text();
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { app: string; pid: number; time: string; msg: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(done.detail).toContain(`uploaded ${lines.length} log lines`);
    const from = Date.parse(done.issuedAt) - 2 * 60_000;
    for (const line of lines) {
      expect(line).toMatchObject({ app: 'edge-agent', pid: agent.pid });
      expect(Date.parse(line.time)).toBeGreaterThanOrEqual(from);
    }
    // The agent's own lines, as it logged them (the upload's command arrived among them).
    const msgs = lines.map((line) => line.msg);
    expect(msgs).toContain('hub connected');
    expect(msgs).toContain('hub command received');
    // Nothing secret or personal: the kiosk's key, and any secret field, never leave unredacted.
    const { privateKeyPem } = system.identity();
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain(privateKeyPem.split('\n')[1]);
    expect(text).not.toMatch(/"(pin|password|token|privateKeyPem|enrolmentCode)":"(?!\[redacted\])/);

    const audit = (await (await api('GET', '/api/audit?limit=20')).json()) as { entries: { action: string; target: string | null }[] };
    expect(audit.entries).toContainEqual(expect.objectContaining({ action: 'logs.downloaded', target: commandId }));
  });

  it('restarts the agent: the process exits, comes back, reports succeeded once; a replay does not restart it again', async () => {
    const first = system.agent as NodeProcess;
    const commandId = await send('agent.restart', {});
    expect((await first.exited).code).toBe(75);

    await waitUntil('the supervisor started the agent again', () => system.agentProcesses.length === 2);
    const second = system.agentProcesses[1] as NodeProcess;
    expect(second.pid).not.toBe(first.pid);
    await second.waitForLog((entry) => entry.msg === 'agent back after a restart command' && entry.commandId === commandId);
    await second.waitForLog((entry) => entry.msg === 'hub connected');

    const done = await finished(commandId);
    expect(done).toMatchObject({ status: 'succeeded', detail: `agent restarted (now pid ${second.pid})` });
    await waitUntil('the hub acked the result', async () => (await resultsOnHub(commandId)).length === 1);

    // The hub lost the agent's receipt (simulated: its row is put back in the queue) and sends the
    // command again; the agent knows the id and does nothing.
    await system.hubRecords.change(`UPDATE commands SET status = 'queued', delivered_at = NULL, completed_at = NULL WHERE command_id = ?`, commandId);
    const ping = await send('ping', {});
    await second.waitForLog((entry) => entry.msg === 'hub command received' && entry.commandId === commandId && entry.action === 'none');
    expect((await finished(ping)).status).toBe('succeeded');
    expect(second.running).toBe(true);
    expect(system.agentProcesses).toHaveLength(2);
    expect(second.logs.filter((entry) => entry.msg === 'agent restarting on a hub command')).toHaveLength(0);
    expect(await resultsOnHub(commandId)).toEqual([{ status: 'succeeded' }]);
    expect(first.logs.filter((entry) => entry.msg === 'agent restarting on a hub command')).toHaveLength(1);
  });
});
