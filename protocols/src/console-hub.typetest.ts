/**
 * Type-level tests of the console's event maps: compiled by `tsc -b`, never executed. Each
 * `@ts-expect-error` line must fail to compile; if a schema change made it compile, the directive itself
 * becomes the error and the build fails.
 */
import type { Server } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import type { z } from 'zod';
import type { ConsoleToHubEvents, HubToConsoleEvents, consoleToHubSchemas, hubToConsoleSchemas } from './console-hub';
import type { Alert } from './fleet';

declare const consoleClient: ClientSocket<HubToConsoleEvents, ConsoleToHubEvents>;
declare const hub: Server<ConsoleToHubEvents, HubToConsoleEvents>;
declare const alert: Alert;

/** Request payloads of the event map are exactly what the schemas parse (both ways assignable). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Requests = typeof consoleToHubSchemas;
type RequestOf<E extends keyof Requests> = Parameters<ConsoleToHubEvents[E]>[0];
export const requestsMatchSchemas: { [E in keyof Requests]: Same<RequestOf<E>, z.infer<Requests[E]>> } = {
  'fleet.kiosks': true,
  'kiosk.detail': true,
  'alerts.list': true,
  'alert.ack': true,
  'command.send': true,
  'audit.page': true,
};
type Pushes = typeof hubToConsoleSchemas;
export const pushesMatchSchemas: { [E in keyof Pushes]: Same<Parameters<HubToConsoleEvents[E]>[0], z.infer<Pushes[E]>> } = {
  'kiosk.updated': true,
  'kiosks.updated': true,
  'fleet.overview': true,
  'alert.updated': true,
  'command.updated': true,
  'audit.appended': true,
  'rollout.updated': true,
  'rollout.kiosk.updated': true,
  'session.ended': true,
};

export function consoleRequests(): void {
  consoleClient.emit('fleet.kiosks', { status: 'offline', alert: 'any' }, (result) => (result.ok ? result.kiosks.length : result.error.code));
  // @ts-expect-error no such status
  consoleClient.emit('fleet.kiosks', { status: 'sleeping' }, () => undefined);
  consoleClient.emit('alert.ack', { alertId: alert.alertId, comment: 'paper refilled' }, () => undefined);
  // @ts-expect-error an acknowledgement needs a comment
  consoleClient.emit('alert.ack', { alertId: alert.alertId }, () => undefined);
  consoleClient.emit('command.send', { kioskId: 'k1', type: 'ping', params: {} }, (result) => (result.ok ? result.commandId : null));
  // @ts-expect-error a command needs its kiosk
  consoleClient.emit('command.send', { type: 'ping', params: {} }, () => undefined);
  consoleClient.emit('audit.page', { limit: 50 }, (result) => (result.ok ? result.page.nextBefore : null));
  // @ts-expect-error the console cannot make up events
  consoleClient.emit('alerts.delete', { alertId: alert.alertId });
  consoleClient.on('alert.updated', (updated) => updated.state satisfies 'open' | 'acknowledged' | 'resolved');
}

export function hubPushes(): void {
  hub.to('municipality:豊中市').emit('alert.updated', alert);
  // @ts-expect-error an alert update carries the whole alert
  hub.emit('alert.updated', { alertId: alert.alertId, state: 'resolved' });
  hub.emit('session.ended', { reason: 'expired' });
  // @ts-expect-error no such reason
  hub.emit('session.ended', { reason: 'bored' });
}
