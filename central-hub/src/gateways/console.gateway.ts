import { Inject } from '@nestjs/common';
import { Ack, SubscribeMessage, WebSocketGateway, type OnGatewayInit } from '@nestjs/websockets';
import { CONSOLE_NAMESPACE, type KioskSummary } from '@kiosk/protocols';
import { LOGGER, type Logger } from '../logger';
import { WebsocketRepository, type ConsoleNamespace } from '../repositories/websocket.repository';
import { FleetService } from '../services/fleet.service';
import { SOCKET_SERVER_OPTIONS } from './socket-options';

/**
 * `/console`: the technician console's live fleet view (`kiosks.list`, then `kiosk.updated` pushes).
 *
 * TODO(technician login, later issue): this namespace is not authenticated yet. Until it is, the hub
 * binds to loopback by default (HUB_HOST=127.0.0.1); do not expose it beyond the machine.
 */
@WebSocketGateway({ namespace: CONSOLE_NAMESPACE, ...SOCKET_SERVER_OPTIONS })
export class ConsoleGateway implements OnGatewayInit<ConsoleNamespace> {
  private readonly log: Logger;

  constructor(
    @Inject(FleetService) private readonly fleet: FleetService,
    @Inject(WebsocketRepository) private readonly sockets: WebsocketRepository,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'console-gateway' });
  }

  afterInit(namespace: ConsoleNamespace): void {
    this.sockets.bindConsoles(namespace);
  }

  @SubscribeMessage('kiosks.list')
  async onList(@Ack() ack: unknown): Promise<void> {
    if (typeof ack !== 'function') {
      this.log.warn({ event: 'kiosks.list' }, 'console message without ack callback ignored');
      return;
    }
    try {
      (ack as (kiosks: KioskSummary[]) => void)(await this.fleet.list());
    } catch (error) {
      // The console's event map has no failure shape: the error is logged here and the console's own
      // ack timeout reports it there.
      this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'kiosks.list failed');
    }
  }
}
