import { io } from 'socket.io-client';
import { CONSOLE_NAMESPACE } from '@kiosk/protocols';
import { connectKiosk, enrolKiosk, heartbeat, sendHeartbeat, signedAuth, type EnrolledKiosk } from '../support/agent-client';
import type { FuzzHub } from './fuzz-hub';
import { FrameGenerator, type Frame } from './frame-generator';
import { RawSocket, type Outcome } from './raw-socket';
import { agentTemplates, consoleTemplates } from './templates';

/**
 * The hub's sockets under fuzzed frames (issue 15): for each namespace a few connections send random and
 * mutated frames, each followed by a probe the hub must answer on that connection. A frame counts as
 * `answered` when the probe's answer came (the hub went on serving the connection), `closed` when the
 * hub closed the connection instead (it reconnects and goes on), `silent` when neither happened in time:
 * the one outcome that must never be seen, with a crash of the hub process.
 */

export interface NamespaceFigures {
  namespace: string;
  frames: number;
  answered: number;
  closed: number;
  silent: number;
  connections: number;
  wallMs: number;
  /** Up to 5 frames (their first 200 characters) that got no answer, to replay. */
  silentFrames: string[];
}

interface Target {
  namespace: string;
  /** A connection ready for this target's frames (authenticated on its namespace, or not at all). */
  open(worker: number): Promise<RawSocket>;
  frames(seed: number, worker: number): () => Frame;
  /** A packet the hub answers on any live connection of this target, and the start of that answer. */
  probe(id: number): { frame: string; answer: string };
}

const PROBE_BASE = 900_000_000;
const PROBE_TIMEOUT_MS = 15_000;

async function openWithRetry(open: () => Promise<RawSocket>): Promise<RawSocket> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await open();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** The three surfaces: `/agent` and `/console` once authenticated, and everything before authentication. */
export function targets(hub: FuzzHub, kiosks: readonly EnrolledKiosk[]): Target[] {
  const kioskOf = (worker: number) => kiosks[worker % kiosks.length] as EnrolledKiosk;
  const authenticated = async (namespace: string, auth: unknown) => {
    const socket = await openWithRetry(() => RawSocket.open(hub.url));
    if (!(await socket.connect(namespace, auth))) throw new Error(`${namespace} refused the fuzzer's own handshake`);
    return socket;
  };
  return [
    {
      namespace: '/agent',
      open: (worker) => authenticated('/agent', signedAuth(kioskOf(worker).kioskId, kioskOf(worker).privateKey)),
      frames: (seed, worker) => {
        const generator = new FrameGenerator(seed, '/agent', agentTemplates(kioskOf(worker).kioskId));
        return () => generator.next();
      },
      probe: (id) => ({ frame: `42/agent,${id}["lottery.offlineKey",{}]`, answer: `43/agent,${id}[` }),
    },
    {
      namespace: '/console',
      open: () => authenticated('/console', { token: hub.adminToken }),
      frames: (seed) => {
        const generator = new FrameGenerator(seed, '/console', consoleTemplates(kiosks.map((k) => k.kioskId)));
        return () => generator.next();
      },
      probe: (id) => ({ frame: `42/console,${id}["session.me"]`, answer: `43/console,${id}[` }),
    },
    {
      // Before authentication: handshakes (signed, by token, to `/` and to namespaces that do not exist), mutated or
      // not, and events sent without joining a namespace. The probe asks for a namespace that does not exist.
      namespace: 'pre-auth (/, /agent and /console handshakes, unknown namespaces)',
      open: () => openWithRetry(() => RawSocket.open(hub.url)),
      frames: (seed, worker) => {
        const generator = new FrameGenerator(seed, '/', consoleTemplates([]));
        const onAgent = new FrameGenerator(seed + 1, '/agent', agentTemplates(kioskOf(worker).kioskId));
        return () => {
          const roll = generator.int(10);
          if (roll < 3) return { kind: 'text', data: generator.connectPacket('/agent', signedAuth(kioskOf(worker).kioskId, kioskOf(worker).privateKey), generator.chance(0.9)) };
          if (roll < 5) return { kind: 'text', data: generator.connectPacket('/console', { token: generator.chance(0.5) ? hub.adminToken : generator.randomString(40) }, generator.chance(0.9)) };
          if (roll < 6) return { kind: 'text', data: generator.connectPacket(generator.pick(['/', `/${generator.randomString(12)}`]), generator.randomJson(2), false) };
          if (roll < 8) return onAgent.next();
          return generator.next();
        };
      },
      probe: (id) => ({ frame: `40/fuzz-probe-${id},{}`, answer: `44/fuzz-probe-${id},` }),
    },
  ];
}

async function runWorker(target: Target, worker: number, frames: number, seed: number, figures: NamespaceFigures): Promise<void> {
  const next = target.frames(seed, worker);
  let socket = await target.open(worker);
  figures.connections += 1;
  try {
    for (let i = 0; i < frames; i++) {
      if (socket.closed) {
        socket = await target.open(worker);
        figures.connections += 1;
      }
      const frame = next();
      const probe = target.probe(PROBE_BASE + worker * 10_000_000 + i);
      const answer = socket.waitFor([probe.answer], PROBE_TIMEOUT_MS);
      socket.send(frame);
      socket.send(probe.frame);
      const { outcome } = await answer;
      count(figures, outcome, frame);
    }
  } finally {
    socket.close();
  }
}

function count(figures: NamespaceFigures, outcome: Outcome, frame: Frame): void {
  figures.frames += 1;
  figures[outcome] += 1;
  if (outcome === 'silent' && figures.silentFrames.length < 5) {
    figures.silentFrames.push(frame.kind === 'text' ? frame.data.slice(0, 200) : `<binary ${frame.data.toString('hex').slice(0, 200)}>`);
  }
}

/** `frames` frames at one target, over `workers` connections at a time. */
export async function fuzzTarget(target: Target, frames: number, workers: number, seed: number): Promise<NamespaceFigures> {
  const figures: NamespaceFigures = { namespace: target.namespace, frames: 0, answered: 0, closed: 0, silent: 0, connections: 0, wallMs: 0, silentFrames: [] };
  const started = performance.now();
  const share = Math.ceil(frames / workers);
  await Promise.all(Array.from({ length: workers }, (_, w) => runWorker(target, w, Math.min(share, frames - w * share), seed + w * 7919, figures)));
  figures.wallMs = performance.now() - started;
  return figures;
}

/** Enrols `count` kiosks (one per `/agent` worker: a kiosk's newer connection closes its older one). */
export async function enrolFuzzKiosks(hub: FuzzHub, count: number): Promise<EnrolledKiosk[]> {
  const kiosks: EnrolledKiosk[] = [];
  for (let i = 0; i < count; i++) kiosks.push(await enrolKiosk(hub, { name: `fuzz ${i}`, site: 'fuzz' }));
  return kiosks;
}

/** A real agent (socket.io client, signed handshake, hello, heartbeat acked) and a real console are served. */
export async function realClientsServed(hub: FuzzHub): Promise<boolean> {
  const [kiosk] = await enrolFuzzKiosks(hub, 1);
  if (!kiosk) return false;
  const agent = await connectKiosk(hub.url, kiosk, new Date());
  try {
    await sendHeartbeat(agent, heartbeat(new Date()));
  } finally {
    agent.close();
  }
  const technician = io(`${hub.url}${CONSOLE_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: hub.adminToken } });
  try {
    const me = (await technician.timeout(10_000).emitWithAck('session.me')) as { ok?: boolean };
    return me.ok === true;
  } finally {
    technician.close();
  }
}
