/** Type-level tests of the keypad pushes (compiled by `tsc -b`, never run): a wrong payload does not compile. */
import type { Server } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import type { AgentToUiEvents, UiToAgentEvents } from './ui-agent';

declare const ui: ClientSocket<AgentToUiEvents, UiToAgentEvents>;
declare const uiServer: Server<UiToAgentEvents, AgentToUiEvents>;

export function keypadEnds(): void {
  uiServer.emit('keypad.navigate', { action: 'next' });
  // @ts-expect-error a key is never sent as itself, only what it does
  uiServer.emit('keypad.navigate', { action: 'next', key: '6' });
  // @ts-expect-error no such action
  uiServer.emit('keypad.navigate', { action: 'digit' });
  ui.on('keypad.navigate', (navigation) => navigation.action satisfies 'start' | 'previous' | 'next' | 'select' | 'help' | 'back');
  // @ts-expect-error the screen cannot send navigation to the agent
  ui.emit('keypad.navigate', { action: 'next' });
}
