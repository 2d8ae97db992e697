/**
 * The hub's side of the update contract (protocols/src/update.ts) for the agent's update tests, on the
 * MiniHub's agent sockets: `release.chunk` served from artefacts held in memory, `update.report`
 * recorded. Tests make it misbehave the ways a network does: drop the connection after N chunks, or
 * flip a byte of one chunk once (a corrupted chunk).
 */
import { createHash } from 'node:crypto';
import {
  ReleaseChunkRequestSchema,
  UpdateReportSchema,
  failure,
  parseMessage,
  type AgentUpdateParams,
  type UpdateReport,
} from '@kiosk/protocols';
import type { HubSocket, MiniHub } from './mini-hub';

export class ReleaseServer {
  private readonly artefacts = new Map<string, Buffer>();
  readonly chunkRequests: Array<{ version: string; offset: number; length: number }> = [];
  readonly reports: UpdateReport[] = [];
  /** Drop the agent's connection once, right after serving this many chunks (counted from when it is set). */
  disconnectAfterChunks: number | null = null;
  /** Flip one byte of the chunk served at this offset, once. */
  corruptOnce: { version: string; offset: number } | null = null;
  private servedSinceSet = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(hub: MiniHub) {
    hub.onAgentSocket = (socket) => this.attach(socket);
  }

  add(version: string, artefact: Buffer): void {
    this.artefacts.set(version, artefact);
  }

  /** The `agent.update` parameters the hub would send for `version`. */
  offer(version: string, chunkBytes: number): AgentUpdateParams {
    const artefact = this.artefacts.get(version);
    if (!artefact) throw new Error(`no artefact ${version}`);
    return { version, artefactSha256: createHash('sha256').update(artefact).digest('hex'), artefactBytes: artefact.length, chunkBytes };
  }

  /** The first report (past or future) matching `match`. */
  async report(match: (report: UpdateReport) => boolean, timeoutMs = 60_000): Promise<UpdateReport> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.reports.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching update report within ${timeoutMs} ms; got ${JSON.stringify(this.reports)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  private attach(socket: HubSocket): void {
    socket.on('release.chunk', (input, ack) => {
      const parsed = parseMessage(ReleaseChunkRequestSchema, input, 'release.chunk');
      if (!parsed.ok) return ack(parsed);
      const { version, offset, length } = parsed.value;
      const artefact = this.artefacts.get(version);
      if (!artefact) return ack(failure('not_found', `no release ${version}`));
      if (offset >= artefact.length) return ack(failure('invalid_message', 'offset past the end'));
      this.chunkRequests.push(parsed.value);
      const bytes = Buffer.from(artefact.subarray(offset, Math.min(offset + length, artefact.length)));
      if (this.corruptOnce?.version === version && this.corruptOnce.offset === offset) {
        this.corruptOnce = null;
        bytes[0] = (bytes[0] ?? 0) ^ 0xff;
      }
      ack({ ok: true, offset, bytes });
      this.servedSinceSet += 1;
      if (this.disconnectAfterChunks !== null && this.servedSinceSet >= this.disconnectAfterChunks) {
        this.disconnectAfterChunks = null;
        setImmediate(() => socket.disconnect(true));
      }
    });
    socket.on('update.report', (input, ack) => {
      const parsed = parseMessage(UpdateReportSchema, input, 'update.report');
      if (!parsed.ok) return ack(parsed);
      this.reports.push(parsed.value);
      for (const wake of this.waiters.splice(0)) wake();
      ack({ ok: true });
    });
  }
}
