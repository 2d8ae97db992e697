import { Module } from '@nestjs/common';
import { ConsoleController } from './controllers/console.controller';
import { EnrolmentController } from './controllers/enrolment.controller';
import { HealthController } from './controllers/health.controller';
import { KioskController } from './controllers/kiosk.controller';
import { AgentGateway } from './gateways/agent.gateway';
import { ConsoleGateway } from './gateways/console.gateway';
import { WebsocketRepository } from './repositories/websocket.repository';
import { AdminAuthService } from './services/admin-auth.service';
import { AgentAuthService } from './services/agent-auth.service';
import { ChaosService } from './services/chaos.service';
import { CommandService } from './services/command.service';
import { EnrolmentService } from './services/enrolment.service';
import { FleetService } from './services/fleet.service';
import { HealthService } from './services/health.service';
import { IngestService } from './services/ingest.service';

/** Fleet: enrolment, kiosk authentication, event ingest, telemetry, commands, the console's live view. */
@Module({
  controllers: [HealthController, EnrolmentController, KioskController, ConsoleController],
  providers: [
    AgentGateway,
    ConsoleGateway,
    WebsocketRepository,
    AdminAuthService,
    AgentAuthService,
    ChaosService,
    CommandService,
    EnrolmentService,
    FleetService,
    HealthService,
    IngestService,
  ],
})
export class FleetModule {}
