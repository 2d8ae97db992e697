/**
 * Type-level tests of the agent-update events (compiled by `tsc -b`, never run): each `@ts-expect-error`
 * line must fail to compile.
 */
import type { Socket as ServerSocket } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import type { AgentToHubEvents, HubToAgentEvents } from './agent-hub';

declare const agent: ClientSocket<HubToAgentEvents, AgentToHubEvents>;
declare const hub: ServerSocket<AgentToHubEvents, HubToAgentEvents>;

export function agentEnd(): void {
  agent.emit('release.chunk', { version: '1.4.0', offset: 0, length: 65_536 }, (result) => (result.ok ? result.bytes.length : result.error.code));
  // @ts-expect-error a chunk request without its offset
  agent.emit('release.chunk', { version: '1.4.0', length: 65_536 }, () => undefined);
  agent.emit('update.report', { version: '1.4.0', state: 'downloading', downloadedBytes: 65_536 }, () => undefined);
  // @ts-expect-error a state the hub does not know
  agent.emit('update.report', { version: '1.4.0', state: 'installed' }, () => undefined);
  agent.on('command', (command, ack) => {
    if (command.type === 'agent.update') ack({ ok: true, duplicate: command.params.artefactBytes === 0 });
  });
}

export function hubEnd(): void {
  hub.emit(
    'command',
    {
      commandId: 'x',
      type: 'agent.update',
      params: { version: '1.4.0', artefactSha256: 'ab', artefactBytes: 10, chunkBytes: 10 },
      issuedAt: 'x',
      expiresAt: 'x',
    },
    () => undefined,
  );
  hub.emit(
    'command',
    // @ts-expect-error an offer without the artefact's hash
    { commandId: 'x', type: 'agent.update', params: { version: '1.4.0', artefactBytes: 10, chunkBytes: 10 }, issuedAt: 'x', expiresAt: 'x' },
    () => undefined,
  );
  hub.on('release.chunk', (_request, ack) => {
    // @ts-expect-error a chunk answer carries the bytes
    ack({ ok: true, offset: 0 });
    ack({ ok: true, offset: 0, bytes: new Uint8Array(1) });
    ack({ ok: false, error: { code: 'not_found', message: 'no such release' } });
  });
  hub.on('update.report', (_report, ack) => ack({ ok: true }));
}
