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
 * `session.end` is handled here only: its reason reaches every feature with the session's change
 * (KioskSessions.onChange). A session ends too when the socket that began it drops (`screenLost`).
 * Returns the function that detaches the status subscription.
 */
export function attachUiNamespace(ui: UiNamespace, state: AgentState, sessions: KioskSessions, features: readonly UiFeature[] = []): () => void {
  ui.on('connection', (socket) => {
    socket.emit('status', state.status());
    socket.on('status.get', (ack) => {
      if (typeof ack === 'function') ack(state.status());
    });
    // The session this socket began, if it is still on: it ends when this socket drops.
    let began: string | null = null;
    socket.on('session.begin', (request, ack) => {
      const answer = sessions.begin(request);
      if (answer.ok) began = answer.sessionId;
      if (typeof ack === 'function') ack(answer);
    });
    socket.on('disconnect', () => {
      if (began !== null) sessions.screenLost(began);
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
