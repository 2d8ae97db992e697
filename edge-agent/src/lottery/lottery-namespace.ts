import { lotteryUiToAgentSchemas, parseMessage, type LotteryUiRequest } from '@kiosk/protocols';
import { runDetached, type Logger } from '../logger';
import type { UiNamespace } from '../server/ui-namespace';
import type { LotteryService } from './lottery-service';

type Handler = (request: never) => unknown;
type LooseSocket = { on(event: string, listener: (...args: unknown[]) => void): void };

/**
 * The lottery's part of the `/ui` socket: `lottery.state` pushed on connect and on every change, and each
 * request parsed with its protocol schema (a malformed one is answered `invalid_message`, never acted on)
 * and answered in its ack. Payloads are never logged: PIN keys pass through here.
 */
export function attachLotteryUi(ui: UiNamespace, service: LotteryService, logger: Logger): () => void {
  const routes: { [R in LotteryUiRequest]: Handler } = {
    'lottery.pin.press': (request: Parameters<LotteryService['pinPress']>[0]) => service.pinPress(request),
    'lottery.signOut': () => service.signOut(),
    'lottery.facilities': () => service.facilities(),
    'lottery.rounds': () => service.rounds(),
    'lottery.availability': (request: Parameters<LotteryService['availability']>[0]) => service.availability(request),
    'lottery.entry.submit': (request: Parameters<LotteryService['submitEntry']>[0]) => service.submitEntry(request),
    'lottery.entries': () => service.entries(),
    'lottery.entry.cancel': (request: Parameters<LotteryService['entryAction']>[1]) => service.entryAction('lottery.entry.cancel', request),
    'lottery.entry.confirm': (request: Parameters<LotteryService['entryAction']>[1]) => service.entryAction('lottery.entry.confirm', request),
    'lottery.entry.decline': (request: Parameters<LotteryService['entryAction']>[1]) => service.entryAction('lottery.entry.decline', request),
    'lottery.booking.create': (request: Parameters<LotteryService['book']>[0]) => service.book(request),
    'lottery.bookings': () => service.bookings(),
    'lottery.booking.quote-cancel': (request: Parameters<LotteryService['quoteCancel']>[0]) => service.quoteCancel(request),
    'lottery.booking.cancel': (request: Parameters<LotteryService['cancelBooking']>[0]) => service.cancelBooking(request),
  };

  const onConnection = (socket: Parameters<Parameters<UiNamespace['on']>[1]>[0]): void => {
    socket.emit('lottery.state', service.uiState());
    const loose = socket as unknown as LooseSocket;
    loose.on('lottery.state.get', (ack) => {
      if (typeof ack === 'function') (ack as (state: unknown) => void)(service.uiState());
    });
    for (const event of Object.keys(routes) as LotteryUiRequest[]) {
      loose.on(event, (body, ack) => {
        if (typeof ack !== 'function') return;
        const reply = ack as (result: unknown) => void;
        const parsed = parseMessage(lotteryUiToAgentSchemas[event], body, event);
        if (!parsed.ok) return reply(parsed);
        runDetached(logger, event, async () => reply(await routes[event](parsed.value as never)));
      });
    }
  };
  ui.on('connection', onConnection);
  const stopPush = service.onState((state) => ui.emit('lottery.state', state));
  return () => {
    ui.off('connection', onConnection);
    stopPush();
  };
}
