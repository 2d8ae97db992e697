/**
 * Offline lottery entry, end to end with real processes: while the hub is up the agent caches the
 * facilities, rounds, a month's availability and the hub's offline-entry key; the hub goes away; a
 * person signs in with the user card and the PIN on the hardware pad and enters the lottery; the entry
 * is committed to the outbox and a receipt marked provisional is printed; the agent is SIGKILLed and
 * restarted (still offline, the entry still waits); the hub comes back; the entry is delivered, judged
 * and accepted exactly once, and shows as an accepted offline entry in "my entries".
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import {
  lotteryAgentUiAckSchemas,
  LotteryUiStateSchema,
  PanelPinKeySchema,
  provisionalReference,
  UI_NAMESPACE,
  type AgentToUiEvents,
  type LotteryUiAck,
  type LotteryUiPayload,
  type LotteryUiRequest,
  type LotteryUiState,
  type UiToAgentEvents,
} from '@kiosk/protocols';
import { DevicePanelClient } from '../support/certificate-system';
import { waitUntil } from '../support/processes';
import { TestSystem } from '../support/system';

jest.setTimeout(240_000);

const CARD = '10000016';
const PIN = '2345';

type UiSocket = Socket<AgentToUiEvents, UiToAgentEvents>;

/** The kiosk screen's side of `/ui` for the lottery, as a test drives it. */
class LotteryUiClient {
  state: LotteryUiState | null = null;
  private constructor(private readonly socket: UiSocket) {}

  static async connect(agentUiUrl: string): Promise<LotteryUiClient> {
    const socket: UiSocket = io(`${agentUiUrl.replace(/\/$/, '')}${UI_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true });
    const client = new LotteryUiClient(socket);
    socket.on('lottery.state', (raw) => (client.state = LotteryUiStateSchema.parse(raw)));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return client;
  }

  async beginSession(): Promise<void> {
    const ack = (await this.socket.timeout(10_000).emitWithAck('session.begin', { service: 'lottery', language: 'ja' })) as { ok: boolean };
    expect(ack.ok).toBe(true);
    await this.waitFor('awaiting a card', (state) => state.stage === 'awaiting-card');
  }

  async endSession(): Promise<void> {
    await this.socket.timeout(10_000).emitWithAck('session.end', { reason: 'done' });
  }

  async request<R extends LotteryUiRequest>(event: R, payload: LotteryUiPayload<R>): Promise<LotteryUiAck<R>> {
    const timed = this.socket.timeout(30_000) as unknown as { emitWithAck(event: string, body: unknown): Promise<unknown> };
    return lotteryAgentUiAckSchemas[event].parse(await timed.emitWithAck(event, payload)) as LotteryUiAck<R>;
  }

  waitFor(what: string, check: (state: LotteryUiState) => boolean): Promise<void> {
    return waitUntil(what, () => this.state !== null && check(this.state), 30_000);
  }

  close(): void {
    this.socket.close();
  }
}

/** The agent's descendants (pcscd, socat, cupsd of the virtual bench), so a SIGKILLed agent leaves none behind. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() ?? -1) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function benchDirs(pids: number[]): string[] {
  const dirs = new Set<string>();
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      for (const match of cmdline.matchAll(/\/tmp\/kiosk-demo-devices-[A-Za-z0-9]+/g)) dirs.add(match[0]);
    } catch {
      // gone meanwhile
    }
  }
  return [...dirs];
}

async function signIn(ui: LotteryUiClient, panel: DevicePanelClient, mode: 'online' | 'offline'): Promise<void> {
  await ui.beginSession();
  await panel.send('panel.scanner.scan', { barcode: CARD });
  await ui.waitFor('card read', (state) => state.stage === 'awaiting-pin');
  // The hardware PIN pad this time: its keys reach the agent through the real HID driver.
  for (const key of [...PIN, 'enter']) await panel.send('panel.pinpad.press', { key: PanelPinKeySchema.parse(key) });
  await ui.waitFor(`signed in ${mode}`, (state) => state.stage === 'signed-in');
  expect(ui.state?.mode).toBe(mode);
}

describe('offline lottery entry: provisional, SIGKILL, reconnect, confirmed exactly once', () => {
  const system = new TestSystem();
  const clients: Array<{ close(): void }> = [];
  const strays: number[] = [];
  const strayDirs: string[] = [];

  afterAll(async () => {
    for (const client of clients) client.close();
    await system.close();
    for (const pid of strays) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    for (const dir of strayDirs) rmSync(dir, { recursive: true, force: true });
  });

  async function connect(): Promise<{ ui: LotteryUiClient; panel: DevicePanelClient }> {
    const ui = await LotteryUiClient.connect(system.agentUiUrl);
    const panel = await DevicePanelClient.connect(system.agentUiUrl);
    clients.push(ui, panel);
    return { ui, panel };
  }

  it('takes an entry while the hub is down and delivers it exactly once after an agent crash', async () => {
    await system.startHub({ HUB_SEED_FACILITIES: '1', HUB_SEED_DEMO_USERS: '1' });
    await system.startAgent({ AGENT_DEVICES: 'virtual' });
    const agentEnv = { AGENT_DEVICES: 'virtual' };
    let { ui, panel } = await connect();

    // Online: browse what a person would, which fills the cache; the offline key arrives after hello.
    await signIn(ui, panel, 'online');
    await ui.waitFor('offline key cached', (state) => state.offlineEntryAvailable);
    const rounds = await ui.request('lottery.rounds', {});
    const facilities = await ui.request('lottery.facilities', {});
    if (!rounds.ok || !facilities.ok) throw new Error('rounds/facilities refused');
    const open = rounds.rounds.filter((round) => round.kind === 'lottery' && round.phase === 'entry');
    let firstSlotId: string | undefined;
    for (const round of open) {
      for (const facility of facilities.facilities.filter((candidate) => candidate.facilityType === round.facilityType)) {
        const month = await ui.request('lottery.availability', { facilityId: facility.facilityId, month: round.useMonth });
        if (!month.ok) continue;
        firstSlotId = month.slots.find((slot) => slot.state === 'lottery-open')?.slotId;
        if (firstSlotId) break;
      }
      if (firstSlotId) break;
    }
    if (!firstSlotId) throw new Error('no lottery-open slot to enter');
    expect(await ui.request('lottery.signOut', {})).toEqual({ ok: true });
    await ui.endSession();

    // The hub goes away.
    await system.hub?.stop();
    await waitUntil('agent sees the hub gone', async () => {
      const health = (await (await fetch(new URL('health', system.agentUiUrl))).json()) as { hubConnected: boolean };
      return !health.hubConnected;
    });

    await signIn(ui, panel, 'offline');
    expect(ui.state?.user).toBeNull();
    const facilitiesOffline = await ui.request('lottery.facilities', {});
    expect(facilitiesOffline).toMatchObject({ ok: true, source: 'cache' });
    const booking = await ui.request('lottery.booking.create', { slotId: firstSlotId });
    expect(booking).toMatchObject({ ok: false, error: { code: 'hub_unreachable' } });

    const backlogBefore = system.outboxStats().backlog;
    const receiptsBefore = panel.state.receipts.length;
    const submitted = await ui.request('lottery.entry.submit', { firstSlotId });
    if (!submitted.ok || submitted.outcome.kind !== 'provisional') throw new Error(`expected a provisional entry: ${JSON.stringify(submitted)}`);
    const clientEntryId = submitted.outcome.entry.clientEntryId;
    expect(submitted.receipt.printed).toBe(true);
    expect(system.outboxStats().backlog).toBe(backlogBefore + 1);
    await panel.waitForState('provisional receipt', (state) => state.receipts.length > receiptsBefore);
    const receipt = panel.state.receipts.map((printed) => printed.text).join('\n');
    expect(receipt).toContain('仮受付');
    // A Japanese session's receipt is all Japanese (issue 20, item 10).
    expect(receipt).not.toContain('PROVISIONAL');
    expect(receipt).toContain(`仮受付番号 ${provisionalReference(clientEntryId)}`);
    expect(receipt).not.toContain(CARD);
    const entries = await ui.request('lottery.entries', {});
    expect(entries).toMatchObject({ ok: true, source: 'cache', unsent: [{ clientEntryId, firstSlotId }] });
    // Nothing on disk holds the PIN in clear (the outbox has it sealed to the hub's key).
    for (const name of readdirSync(system.agentDataDir).filter((file) => file.startsWith('agent.sqlite'))) {
      expect(readFileSync(path.join(system.agentDataDir, name)).includes(Buffer.from(`"pin":"${PIN}"`))).toBe(false);
    }

    // The agent dies hard, and comes back while the hub is still down: the entry is still waiting.
    const agent = system.agent;
    if (!agent) throw new Error('no agent');
    const children = descendants(agent.pid);
    strayDirs.push(...benchDirs(children));
    agent.kill('SIGKILL');
    await agent.exited;
    strays.push(...children);
    for (const pid of children) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    expect(system.outboxStats().backlog).toBeGreaterThanOrEqual(1);
    await system.startAgent(agentEnv);
    ({ ui, panel } = await connect());

    // The hub returns: the outbox drains, the hub judges the entry.
    await system.startHub({ HUB_SEED_FACILITIES: '1', HUB_SEED_DEMO_USERS: '1' });
    await waitUntil('outbox drained', () => system.outboxStats().backlog === 0, 60_000);

    await signIn(ui, panel, 'online');
    let mine: LotteryUiAck<'lottery.entries'> | null = null;
    await waitUntil('provisional entry judged', async () => {
      mine = await ui.request('lottery.entries', {});
      return mine.ok && mine.provisional.some((entry) => entry.clientEntryId === clientEntryId && entry.status !== 'pending');
    });
    const judged = mine as LotteryUiAck<'lottery.entries'> | null;
    if (!judged?.ok) throw new Error('entries refused');
    expect(judged.unsent).toEqual([]);
    expect(judged.provisional.filter((entry) => entry.clientEntryId === clientEntryId)).toEqual([
      expect.objectContaining({ status: 'accepted', rejection: null }),
    ]);
    const accepted = judged.entries.filter((entry) => entry.clientEntryId === clientEntryId);
    expect(accepted).toEqual([expect.objectContaining({ channel: 'offline', firstSlotId, status: 'active' })]);

    // Exactly once in the hub's own tables.
    expect(await system.hubRecords.count('SELECT count(*) FROM lottery_entries WHERE client_entry_id = ?', clientEntryId)).toBe(1);
    expect(await system.hubRecords.count('SELECT count(*) FROM lottery_provisional_entries WHERE client_entry_id = ?', clientEntryId)).toBe(1);
  });
});
