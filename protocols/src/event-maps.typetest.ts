/**
 * Type-level tests: compiled by `tsc -b` (the test command runs it), never executed. Each
 * `@ts-expect-error` line must fail to compile; if a schema change made it compile, the directive
 * itself becomes the error and the build fails.
 */
import type { Server, Socket as ServerSocket } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import type { AgentToHubEvents, HubToAgentEvents } from './agent-hub';
import type { ConsoleToHubEvents, HubToConsoleEvents } from './console-hub';
import type { NewOutboxEvent } from './outbox-events';
import type { AgentToUiEvents, UiToAgentEvents } from './ui-agent';

declare const agent: ClientSocket<HubToAgentEvents, AgentToHubEvents>;
declare const hubSide: ServerSocket<AgentToHubEvents, HubToAgentEvents>;
declare const ui: ClientSocket<AgentToUiEvents, UiToAgentEvents>;
declare const uiServer: Server<UiToAgentEvents, AgentToUiEvents>;
declare const consoleClient: ClientSocket<HubToConsoleEvents, ConsoleToHubEvents>;
declare const consoleServer: Server<ConsoleToHubEvents, HubToConsoleEvents>;
declare function enqueue(event: NewOutboxEvent): void;

export function agentEnd(): void {
  agent.emit('hello', { protocolVersion: 1, agentVersion: '0.1.0' }, () => undefined);
  // @ts-expect-error hello without agentVersion
  agent.emit('hello', { protocolVersion: 1 }, () => undefined);
  // @ts-expect-error an event the hub does not listen to
  agent.emit('helo', { protocolVersion: 1, agentVersion: '0.1.0' });
  // The feature maps are part of the agent's map: one typed socket sends them all.
  agent.emit('certificates.challenge', {}, (result) => (result.ok ? result.challenge : result.error.code));
  agent.emit('lottery.rounds', { municipality: '豊中市' }, () => undefined);
  // @ts-expect-error a lottery sign-in without its PIN
  agent.emit('lottery.signIn', { userNumber: '10000008' }, () => undefined);
  agent.on('command', (command, ack) => {
    // @ts-expect-error a receipt must say whether it was a duplicate
    ack({ ok: true });
    ack({ ok: true, duplicate: command.type === 'ping' });
  });
}

export function hubEnd(): void {
  hubSide.emit(
    'command',
    { commandId: 'x', type: 'ping', params: {}, issuedAt: 'x', expiresAt: 'x' },
    () => undefined,
  );
  hubSide.emit(
    'command',
    // @ts-expect-error service.set needs inService
    { commandId: 'x', type: 'service.set', params: {}, issuedAt: 'x', expiresAt: 'x' },
    () => undefined,
  );
  hubSide.on('events', (_batch, ack) => {
    // @ts-expect-error an ack must carry the acked seq
    ack({ ok: true, stored: 1, duplicates: 0 });
    ack({ ok: false, error: { code: 'invalid_message', message: 'bad' } });
  });
}

export function outboxPayloads(): void {
  enqueue({ type: 'cash.credit', payload: { transactionId: 'x', coinYen: 100 } });
  // @ts-expect-error a 30-yen coin
  enqueue({ type: 'cash.credit', payload: { transactionId: 'x', coinYen: 30 } });
  // @ts-expect-error the payload of another type
  enqueue({ type: 'agent.started', payload: { transactionId: 'x', coinYen: 100 } });
}

export function uiEnds(): void {
  ui.emit('session.begin', { service: 'certificates', language: 'ja' }, () => undefined);
  // @ts-expect-error no such service
  ui.emit('session.begin', { service: 'parking', language: 'ja' }, () => undefined);
  uiServer.emit('status', { kioskId: null, hubConnected: true, lastHubContactAt: null, outOfService: false, devices: [] });
  // @ts-expect-error status without hubConnected
  uiServer.emit('status', { kioskId: null, lastHubContactAt: null, outOfService: false, devices: [] });
}

export function consoleEnds(): void {
  consoleClient.emit('kiosks.list', (kiosks) => kiosks.map((k) => k.kioskId));
  // @ts-expect-error the console cannot make up events
  consoleClient.emit('kiosks.delete', 'k1');
  // @ts-expect-error a summary needs all its fields
  consoleServer.emit('kiosk.updated', { kioskId: 'k1' });
}
