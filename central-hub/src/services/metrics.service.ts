import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ALERT_REPOSITORY, type AlertRepository } from '../repositories/alert.repository';
import { COMMAND_REPOSITORY, type CommandRepository } from '../repositories/command.repository';
import { KIOSK_REPOSITORY, type KioskRepository } from '../repositories/kiosk.repository';
import { METRICS, type Metrics } from '../repositories/metrics.repository';
import { WebsocketRepository } from '../repositories/websocket.repository';

/** Connects the scrape-time gauges to storage, and renders `/metrics`. */
@Injectable()
export class MetricsService implements OnModuleInit {
  constructor(
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(KIOSK_REPOSITORY) private readonly kiosks: KioskRepository,
    @Inject(ALERT_REPOSITORY) private readonly alerts: AlertRepository,
    @Inject(COMMAND_REPOSITORY) private readonly commands: CommandRepository,
    @Inject(WebsocketRepository) private readonly sockets: WebsocketRepository,
  ) {}

  onModuleInit(): void {
    this.metrics.setSources({
      kioskStatusCounts: () => this.kiosks.countByStatus(),
      alertCounts: () => this.alerts.countUnresolved(),
      commandCounts: () => this.commands.countByStatus(),
      connections: () => this.sockets.connectionCounts(),
    });
  }

  render(): Promise<{ contentType: string; body: string }> {
    return this.metrics.render();
  }
}
