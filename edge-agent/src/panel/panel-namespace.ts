import {
  failure,
  panelToAgentSchemas,
  parseMessage,
  type DevicePanelState,
  type PanelCommandAck,
  type PanelCommandName,
  type PanelCommandPayload,
} from '@kiosk/protocols';
import type { Logger } from '../logger';
import type { PanelNamespace } from '../server/local-server';

/** What the namespace needs from the panel: its state, its changes, and the commands. */
export interface PanelService {
  state(): DevicePanelState;
  /** Fires after every change, whatever caused it. Returns the unsubscribe function. */
  onState(listener: (state: DevicePanelState) => void): () => void;
  /** Runs a validated command; never rejects (a failure is a Failure ack). */
  run<C extends PanelCommandName>(command: C, payload: PanelCommandPayload<C>): Promise<PanelCommandAck>;
}

const COMMANDS = Object.keys(panelToAgentSchemas) as PanelCommandName[];

type Ack = (result: PanelCommandAck) => void;

/**
 * The device panel's socket (protocols/src/device-panel.ts): the state pushed on connect and after every
 * change, `panel.state.get`, and the commands, each parsed with its schema before anything happens (a bad
 * payload is an `invalid_message` ack whose issues name fields, never their values: a PIN-pad key or a
 * scanned number is never echoed or logged). Returns the function that detaches the state pushes.
 */
export function attachPanelNamespace(namespace: PanelNamespace, panel: PanelService, logger: Logger): () => void {
  namespace.on('connection', (socket) => {
    socket.emit('panel.state', panel.state());
    socket.on('panel.state.get', (ack) => {
      if (typeof ack === 'function') ack(panel.state());
    });
    for (const command of COMMANDS) {
      // Typed per command below; socket.io cannot infer a handler's arguments from a union of event names.
      socket.on(command, ((request: unknown, ack: unknown) => {
        // `emit(command, ack)` with no payload puts the ack first.
        const reply = (typeof ack === 'function' ? ack : typeof request === 'function' ? request : null) as Ack | null;
        if (reply === null) return;
        handle(panel, command, typeof request === 'function' ? undefined : request, logger).then(reply, (error: unknown) => {
          logger.error({ err: error, command }, 'panel command failed');
          reply(failure('internal', `${command} failed`));
        });
      }) as never);
    }
  });
  return panel.onState((state) => namespace.emit('panel.state', state));
}

async function handle(panel: PanelService, command: PanelCommandName, request: unknown, logger: Logger): Promise<PanelCommandAck> {
  const parsed = parseMessage(panelToAgentSchemas[command], request, command);
  if (!parsed.ok) {
    logger.info({ command, issues: parsed.error.issues }, 'refused a malformed panel command');
    return parsed;
  }
  return panel.run(command, parsed.value as PanelCommandPayload<typeof command>);
}
