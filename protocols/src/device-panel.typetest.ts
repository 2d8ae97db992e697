/**
 * Type-level tests of the device panel's event maps: compiled by `tsc -b`, never executed. Each
 * `@ts-expect-error` line must fail to compile; if a schema change made it compile, the directive itself
 * becomes the error and the build fails.
 */
import type { Server } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import type {
  AgentToPanelEvents,
  DevicePanelState,
  PanelCommandName,
  PanelCommandPayload,
  PanelToAgentEvents,
} from './device-panel';

declare const panel: ClientSocket<AgentToPanelEvents, PanelToAgentEvents>;
declare const agent: Server<PanelToAgentEvents, AgentToPanelEvents>;
declare const state: DevicePanelState;

/** The event map's request types are exactly the schemas' (both directions of assignability). */
type RequestOf<C extends PanelCommandName> = Parameters<PanelToAgentEvents[C]>[0];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const mapsMatchSchemas: { [C in PanelCommandName]: Same<RequestOf<C>, PanelCommandPayload<C>> } = {
  'panel.coin.insert': true,
  'panel.printer.set': true,
  'panel.coin.set': true,
  'panel.hopper.set': true,
  'panel.card.insert': true,
  'panel.card.remove': true,
  'panel.card.set': true,
  'panel.scanner.scan': true,
  'panel.pinpad.press': true,
  'panel.document.take': true,
};

export function panelClientEnd(): void {
  panel.emit('panel.coin.insert', { coinYen: 500 }, (ack) => ack.ok);
  // @ts-expect-error a 5-yen coin is not taken
  panel.emit('panel.coin.insert', { coinYen: 5 }, () => undefined);
  panel.emit('panel.printer.set', { paper: 'near-end', cover: 'open' }, () => undefined);
  // @ts-expect-error paper states are ok, near-end, out
  panel.emit('panel.printer.set', { paper: 'empty' }, () => undefined);
  // @ts-expect-error the jam flag is a boolean
  panel.emit('panel.coin.set', { coinJam: 'yes' }, () => undefined);
  // @ts-expect-error a card is inserted by id
  panel.emit('panel.card.insert', { label: 'テスト 太郎' }, () => undefined);
  panel.emit('panel.pinpad.press', { key: 'enter' }, () => undefined);
  panel.emit('panel.document.take', { jobId: 3 }, () => undefined);
  // @ts-expect-error a document is taken by its job id, not by file name
  panel.emit('panel.document.take', { file: 'x.pdf' }, () => undefined);
  // @ts-expect-error the pad has no star key
  panel.emit('panel.pinpad.press', { key: '*' }, () => undefined);
  // @ts-expect-error commands are acked
  panel.emit('panel.scanner.scan', { barcode: '12345678' });
  // @ts-expect-error the panel cannot push state to the agent
  panel.emit('panel.state', state);
  panel.emit('panel.state.get', (current) => current.receipts.map((receipt) => receipt.text));
}

export function panelServerEnd(): void {
  agent.of('/panel').emit('panel.state', state);
  // @ts-expect-error a state needs every section
  agent.emit('panel.state', { devices: [], receipts: [], documents: [] });
  agent.on('connection', (socket) => {
    socket.on('panel.card.remove', (_request, ack) => {
      ack({ ok: true });
      ack({ ok: false, error: { code: 'not_found', message: 'no card reader in this demo' } });
      // @ts-expect-error a failure carries an error
      ack({ ok: false });
    });
    socket.on('panel.hopper.set', (request, ack) => {
      // @ts-expect-error the hopper has no paper
      void request.paper;
      if (request.empty !== undefined) ack({ ok: true });
    });
  });
}
