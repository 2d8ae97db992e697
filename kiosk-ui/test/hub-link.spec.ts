import {
  CONSOLE_NAMESPACE,
  KioskSummarySchema,
  type ConsoleToHubEvents,
  type HubToConsoleEvents,
  type KioskSummary,
} from '@kiosk/protocols';
import type { Namespace } from 'socket.io';
import { HubLink, consoleSocket, type HubLinkEvents, type HubLinkState } from '../src/console/hub-link';
import { upsertKiosk } from '../src/console/fleet';
import { ProblemLog } from '../src/shared/background';
import { browserTimers } from '../src/shared/timers';
import { eventually, startServer } from './support';

/** The console's hub link against a real socket.io `/console` namespace on loopback. */

function kiosk(kioskId: string, overrides: Partial<KioskSummary> = {}): KioskSummary {
  return KioskSummarySchema.parse({
    kioskId,
    name: `端末 ${kioskId}`,
    municipality: '豊中市',
    site: '豊中市役所 本庁舎',
    kind: 'certificate-kiosk',
    enrolled: true,
    online: true,
    lastHeartbeatAt: '2024-06-01T12:00:00Z',
    outboxBacklog: 0,
    agentVersion: '0.1.0',
    outOfService: false,
    devices: [],
    ...overrides,
  });
}

/** What the console state does with the events, without Svelte. */
class Fleet implements HubLinkEvents {
  kiosks: KioskSummary[] = [];
  snapshots = 0;
  state: HubLinkState = 'connecting';
  link(state: HubLinkState): void {
    this.state = state;
  }
  snapshot(kiosks: KioskSummary[]): void {
    this.kiosks = kiosks;
    this.snapshots += 1;
  }
  updated(kiosk: KioskSummary): void {
    this.kiosks = upsertKiosk(this.kiosks, kiosk);
  }
}

describe('console ⇄ hub over a real /console socket', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let ns: Namespace<ConsoleToHubEvents, HubToConsoleEvents>;
  let list: unknown[];
  let answerList: (ack: (kiosks: KioskSummary[]) => void) => void;
  let fleet: Fleet;
  let problems: ProblemLog;
  let link: HubLink;

  beforeEach(async () => {
    server = await startServer();
    ns = server.io.of(CONSOLE_NAMESPACE);
    list = [kiosk('toyonaka-001'), kiosk('toyonaka-002', { online: false })];
    answerList = (ack) => ack(list as KioskSummary[]);
    ns.on('connection', (socket) => socket.on('kiosks.list', (ack) => answerList(ack)));
    fleet = new Fleet();
    problems = new ProblemLog();
    link = new HubLink(consoleSocket(`${server.url}${CONSOLE_NAMESPACE}`), fleet, problems.report, browserTimers, 2000, 100, 100);
  });

  afterEach(async () => {
    link.stop();
    await server.close();
  });

  it('loads the list on connect and upserts live updates', async () => {
    link.start();
    await eventually(() => expect(fleet.snapshots).toBe(1));
    expect(fleet.state).toBe('up');
    expect(fleet.kiosks.map((k) => [k.kioskId, k.online])).toEqual([
      ['toyonaka-001', true],
      ['toyonaka-002', false],
    ]);

    ns.emit('kiosk.updated', kiosk('toyonaka-002', { online: true, outboxBacklog: 42 }));
    ns.emit('kiosk.updated', kiosk('toyonaka-003', { site: '庄内体育館', kind: 'street-terminal' }));
    await eventually(() => expect(fleet.kiosks).toHaveLength(3));
    expect(fleet.kiosks.find((k) => k.kioskId === 'toyonaka-002')).toMatchObject({ online: true, outboxBacklog: 42 });
  });

  it('leaves out and reports malformed rows and pushes', async () => {
    list = [kiosk('toyonaka-001'), { kioskId: 'BAD ID', online: 'maybe' }];
    link.start();
    await eventually(() => expect(fleet.snapshots).toBe(1));
    expect(fleet.kiosks.map((k) => k.kioskId)).toEqual(['toyonaka-001']);

    (ns as unknown as Namespace).emit('kiosk.updated', { kioskId: 'toyonaka-001', online: false });
    ns.emit('kiosk.updated', kiosk('toyonaka-009'));
    await eventually(() => expect(fleet.kiosks).toHaveLength(2));
    expect(fleet.kiosks.find((k) => k.kioskId === 'toyonaka-001')?.online).toBe(true);
    expect(problems.entries.map((entry) => entry.what)).toEqual(['kiosks.list', 'kiosk.updated']);
  });

  it('applies updates that arrive while the list is in flight after it, so they are not lost', async () => {
    answerList = (ack) => {
      // The hub sends a newer state of kiosk 001 before answering with its (older) snapshot.
      ns.emit('kiosk.updated', kiosk('toyonaka-001', { online: false, outboxBacklog: 7 }));
      setTimeout(() => ack(list as KioskSummary[]), 100);
    };
    link.start();
    await eventually(() => expect(fleet.snapshots).toBe(1));
    expect(fleet.kiosks.find((k) => k.kioskId === 'toyonaka-001')).toMatchObject({ online: false, outboxBacklog: 7 });
  });

  it('marks the link down when the hub hangs up, then reconnects and reloads the list', async () => {
    link.start();
    await eventually(() => expect(fleet.snapshots).toBe(1));
    list = [kiosk('toyonaka-001', { online: false })];
    ns.disconnectSockets(true);
    await eventually(() => expect(fleet.state).toBe('down'));
    await eventually(() => expect(fleet.snapshots).toBe(2));
    expect(fleet.state).toBe('up');
    expect(fleet.kiosks.map((k) => [k.kioskId, k.online])).toEqual([['toyonaka-001', false]]);
  });

  it('asks again when the list request times out while connected', async () => {
    let asked = 0;
    answerList = (ack) => {
      asked += 1;
      if (asked > 1) ack(list as KioskSummary[]);
    };
    link = new HubLink(consoleSocket(`${server.url}${CONSOLE_NAMESPACE}`), fleet, problems.report, browserTimers, 200, 50, 100);
    link.start();
    await eventually(() => expect(fleet.snapshots).toBe(1));
    expect(asked).toBe(2);
    expect(problems.entries[0]).toMatchObject({ what: 'kiosks.list' });
    expect(problems.entries[0]?.message).toContain('timed out');
  });
});
