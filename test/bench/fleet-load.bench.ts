/**
 * `npm run bench`: 1,000 simulated kiosks (real enrolments, real signed handshakes, real sockets on
 * loopback) heartbeating to one hub process while a technician console stays connected. Prints the
 * hub's CPU share and RSS, the heartbeat acks' latency and how long the console waits for answers and
 * live pushes under that load. Figures, never assertions.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import {
  CONSOLE_NAMESPACE,
  EnrolResponseSchema,
  HelloAckSchema,
  PROTOCOL_VERSION,
  SimpleAckSchema,
  type ConsoleToHubEvents,
  type HubToConsoleEvents,
  type Telemetry,
} from '@kiosk/protocols';
import { TestSystem } from '../support/system';
import { connectAgentSocket, signedAuth, type AgentSocket } from '../support/kiosk-client';

const KIOSKS = Number(process.env.BENCH_KIOSKS ?? 1000);
const HEARTBEAT_MS = Number(process.env.BENCH_HEARTBEAT_MS ?? 15_000);
const DURATION_MS = Number(process.env.BENCH_LOAD_MS ?? 45_000);

interface SimulatedKiosk {
  kioskId: string;
  privateKey: KeyObject;
  socket?: AgentSocket;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** utime + stime of a process, in clock ticks (100 per second on Linux). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
}

async function enrol(system: TestSystem, index: number): Promise<SimulatedKiosk> {
  const code = await system.createEnrolmentCode();
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const response = await fetch(`${system.hubUrl}/api/kiosks/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') }),
  });
  if (response.status !== 201) throw new Error(`enrol ${index}: HTTP ${response.status}`);
  return { kioskId: EnrolResponseSchema.parse(await response.json()).kioskId, privateKey };
}

function telemetry(): Telemetry {
  return {
    sentAt: new Date().toISOString(),
    outbox: { backlog: 0, oldestOccurredAt: null, lastSeq: 0 },
    devices: [],
    agent: { version: 'bench', uptimeSeconds: process.uptime(), rssBytes: 0, outOfService: false },
  };
}

async function main(): Promise<void> {
  const system = new TestSystem();
  const kiosks: SimulatedKiosk[] = [];
  const timers: NodeJS.Timeout[] = [];
  let consoleSocket: Socket<HubToConsoleEvents, ConsoleToHubEvents> | undefined;
  try {
    const hub = await system.startHub();
    console.log(`enrolling ${KIOSKS} kiosks...`);
    for (let i = 0; i < KIOSKS; i += 50) {
      kiosks.push(...(await Promise.all(Array.from({ length: Math.min(50, KIOSKS - i) }, (_, j) => enrol(system, i + j)))));
    }

    consoleSocket = io(`${system.hubUrl}${CONSOLE_NAMESPACE}`, {
      transports: ['websocket'],
      auth: { token: system.adminToken() },
    });
    let consolePushes = 0;
    consoleSocket.on('kiosk.updated', () => {
      consolePushes += 1;
    });
    await new Promise<void>((resolve, reject) => {
      consoleSocket?.once('connect', resolve);
      consoleSocket?.once('connect_error', reject);
    });

    console.log(`connecting ${KIOSKS} kiosks...`);
    const connectStarted = performance.now();
    for (let i = 0; i < kiosks.length; i += 100) {
      await Promise.all(
        kiosks.slice(i, i + 100).map(async (kiosk) => {
          const { socket, refusal } = await connectAgentSocket(system.hubUrl, signedAuth(kiosk.kioskId, kiosk.privateKey));
          if (refusal) throw new Error(`${kiosk.kioskId} refused: ${refusal.code}`);
          HelloAckSchema.parse(await socket.timeout(10_000).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: 'bench' }));
          kiosk.socket = socket;
        }),
      );
    }
    const connectMs = performance.now() - connectStarted;

    const ackLatencies: number[] = [];
    let failedHeartbeats = 0;
    for (const [index, kiosk] of kiosks.entries()) {
      // Spread the kiosks over the interval, as real ones are.
      const start = setTimeout(() => {
        const beat = () => {
          const sent = performance.now();
          kiosk.socket
            ?.timeout(10_000)
            .emitWithAck('telemetry', telemetry())
            .then((ack) => {
              if (SimpleAckSchema.parse(ack).ok) ackLatencies.push(performance.now() - sent);
              else failedHeartbeats += 1;
            })
            .catch(() => {
              failedHeartbeats += 1;
            });
        };
        beat();
        timers.push(setInterval(beat, HEARTBEAT_MS));
      }, (index / kiosks.length) * HEARTBEAT_MS);
      timers.push(start);
    }

    const consoleLatencies: number[] = [];
    const ticksBefore = cpuTicks(hub.pid);
    const loadStarted = performance.now();
    while (performance.now() - loadStarted < DURATION_MS) {
      const asked = performance.now();
      await consoleSocket.timeout(10_000).emitWithAck('fleet.overview');
      consoleLatencies.push(performance.now() - asked);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const elapsedS = (performance.now() - loadStarted) / 1000;
    const cpuShare = (cpuTicks(hub.pid) - ticksBefore) / 100 / elapsedS;

    ackLatencies.sort((a, b) => a - b);
    consoleLatencies.sort((a, b) => a - b);
    console.log(`fleet load: ${KIOSKS} kiosks, heartbeat every ${HEARTBEAT_MS / 1000} s, measured for ${elapsedS.toFixed(0)} s`);
    console.log(`  connect + hello of all kiosks: ${(connectMs / 1000).toFixed(1)} s`);
    console.log(`  heartbeats acked: ${ackLatencies.length} (${(ackLatencies.length / elapsedS).toFixed(0)}/s), failed ${failedHeartbeats}; ack latency p50 ${percentile(ackLatencies, 50).toFixed(1)} ms, p99 ${percentile(ackLatencies, 99).toFixed(1)} ms`);
    console.log(`  console fleet.overview under load: p50 ${percentile(consoleLatencies, 50).toFixed(1)} ms, max ${consoleLatencies.at(-1)?.toFixed(1)} ms; live pushes received ${consolePushes}`);
    console.log(`  hub CPU ${(cpuShare * 100).toFixed(0)}% of one core; RSS ${rssMiB(hub.pid, 'VmRSS')} MiB (peak ${rssMiB(hub.pid, 'VmHWM')} MiB)`);
  } finally {
    for (const timer of timers) clearTimeout(timer);
    for (const kiosk of kiosks) kiosk.socket?.close();
    consoleSocket?.close();
    await system.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
