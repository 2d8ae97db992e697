import type { Namespace } from 'socket.io';
import type { AgentToUiEvents, UiToAgentEvents } from '@kiosk/protocols';
import type { AgentState } from '../status/agent-state';
import type { KioskSessions } from './kiosk-sessions';

export type UiNamespace = Namespace<UiToAgentEvents, AgentToUiEvents>;

/** A service's own part of `/ui` (e.g. the lottery): attaches its handlers, returns the function that detaches them. */
export type UiFeature = (ui: UiNamespace) => () => void;

/**
 * The kiosk screen's socket: `status` pushed on connect and on every change, `status.get` on demand,
 * and the session messages, each validated with its protocols schema (bad input → `{ ok: false, error }`).
 * Returns the function that detaches the status subscription.
 */
export function attachUiNamespace(ui: UiNamespace, state: AgentState, sessions: KioskSessions, features: readonly UiFeature[] = []): () => void {
  ui.on('connection', (socket) => {
    socket.emit('status', state.status());
    socket.on('status.get', (ack) => {
      if (typeof ack === 'function') ack(state.status());
    });
    socket.on('session.begin', (request, ack) => {
      if (typeof ack === 'function') ack(sessions.begin(request));
    });
    socket.on('session.end', (request, ack) => {
      if (typeof ack === 'function') ack(sessions.end(request));
    });
  });
  const detachFeatures = features.map((attach) => attach(ui));
  const stopStatus = state.onStatus((status) => ui.emit('status', status));
  return () => {
    stopStatus();
    for (const detach of detachFeatures) detach();
  };
}
