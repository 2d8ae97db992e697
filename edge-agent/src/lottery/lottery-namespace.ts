import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { lotteryUiToAgentSchemas, parseMessage, type AgentToUiEvents, type LotteryUiAck, type LotteryUiPayload, type LotteryUiRequest, type UiToAgentEvents } from '@kiosk/protocols';
import { runDetached, type Logger } from '../logger';
import type { UiNamespace } from '../server/ui-namespace';
import type { LotteryFlow } from './lottery-flow';

/** Each screen request's handler, typed by its request (its payload parsed, its answer the ack's). */
type Routes = { [R in LotteryUiRequest]: (request: LotteryUiPayload<R>) => LotteryUiAck<R> | Promise<LotteryUiAck<R>> };

/** The request schemas typed by their request (a mapped type: a generic request keeps its payload's type). */
const requestSchemas: { [R in LotteryUiRequest]: z.ZodType<LotteryUiPayload<R>> } = lotteryUiToAgentSchemas;

/**
 * The lottery's part of the `/ui` socket: `lottery.state` pushed on connect and on every change, and each
 * request parsed with its protocol schema (a malformed one is answered `invalid_message`, never acted on)
 * and answered in its ack. Payloads are never logged: PIN keys pass through here.
 */
export function attachLotteryUi(ui: UiNamespace, flow: LotteryFlow, logger: Logger): () => void {
  const routes: Routes = {
    'lottery.pin.press': (request) => flow.pinPress(request),
    'lottery.signOut': () => flow.signOut(),
    'lottery.facilities': () => flow.facilities(),
    'lottery.rounds': () => flow.rounds(),
    'lottery.availability': (request) => flow.availability(request),
    'lottery.entry.submit': (request) => flow.submitEntry(request),
    'lottery.entries': () => flow.entries(),
    'lottery.entry.cancel': (request) => flow.entryAction('lottery.entry.cancel', request),
    'lottery.entry.confirm': (request) => flow.entryAction('lottery.entry.confirm', request),
    'lottery.entry.decline': (request) => flow.entryAction('lottery.entry.decline', request),
    'lottery.booking.create': (request) => flow.book(request),
    'lottery.bookings': () => flow.bookings(),
    'lottery.booking.quote-cancel': (request) => flow.quoteCancel(request),
    'lottery.booking.cancel': (request) => flow.cancelBooking(request),
  };

  /** Parses one request and answers it; `R` ties the schema, the handler and the ack together. */
  const answer = <R extends LotteryUiRequest>(event: R, body: unknown, reply: (result: unknown) => void): void => {
    const parsed = parseMessage<z.ZodType<LotteryUiPayload<R>>>(requestSchemas[event], body, event);
    if (!parsed.ok) return reply(parsed);
    const route: (request: LotteryUiPayload<R>) => LotteryUiAck<R> | Promise<LotteryUiAck<R>> = routes[event];
    runDetached(logger, event, async () => reply(await route(parsed.value)));
  };

  const onConnection = (socket: Socket<UiToAgentEvents, AgentToUiEvents>): void => {
    socket.emit('lottery.state', flow.uiState());
    socket.on('lottery.state.get', (ack) => {
      if (typeof ack === 'function') ack(flow.uiState());
    });
    for (const event of Object.keys(routes) as LotteryUiRequest[]) {
      socket.on(event, (body: unknown, ack: unknown) => {
        if (typeof ack === 'function') answer(event, body, (result) => void ack(result));
      });
    }
  };
  ui.on('connection', onConnection);
  const stopPush = flow.onState((state) => ui.emit('lottery.state', state));
  return () => {
    ui.off('connection', onConnection);
    stopPush();
  };
}
