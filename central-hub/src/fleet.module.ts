import { Module } from '@nestjs/common';
import { AuthModule } from './auth.module';
import { AlertController } from './controllers/alert.controller';
import { CashReconciliationController } from './controllers/cash-reconciliation.controller';
import { ConsoleController } from './controllers/console.controller';
import { EnrolmentController } from './controllers/enrolment.controller';
import { HealthController } from './controllers/health.controller';
import { KioskController } from './controllers/kiosk.controller';
import { MetricsController } from './controllers/metrics.controller';
import { AgentGateway } from './gateways/agent.gateway';
import { ConsoleGateway } from './gateways/console.gateway';
import { LotteryModule } from './lottery.module';
import { AgentAuthService } from './services/agent-auth.service';
import { AlertService } from './services/alert.service';
import { CashReconciliationService } from './services/cash-reconciliation.service';
import { CashVoucherService } from './services/cash-vouchers.service';
import { ChaosService } from './services/chaos.service';
import { CommandService } from './services/command.service';
import { EnrolmentService } from './services/enrolment.service';
import { FleetService } from './services/fleet.service';
import { HealthService } from './services/health.service';
import { HeartbeatService } from './services/heartbeat.service';
import { IngestService } from './services/ingest.service';
import { LogUploadService } from './services/log-upload.service';
import { MetricsService } from './services/metrics.service';
import { MonitorService } from './services/monitor.service';
import { SweepService } from './services/sweep.service';

/**
 * Fleet: enrolment, kiosk authentication, event ingest, heartbeats and telemetry, status and alerts,
 * commands, the console's live view, metrics. Imports LotteryModule because the agent gateway forwards
 * `lottery.*` messages to its handlers (a module is one instance however often it is imported).
 */
@Module({
  imports: [AuthModule, LotteryModule],
  controllers: [HealthController, MetricsController, EnrolmentController, KioskController, AlertController, ConsoleController, CashReconciliationController],
  providers: [
    AgentGateway,
    ConsoleGateway,
    AgentAuthService,
    AlertService,
    CashReconciliationService,
    CashVoucherService,
    ChaosService,
    CommandService,
    EnrolmentService,
    FleetService,
    HealthService,
    HeartbeatService,
    IngestService,
    LogUploadService,
    MetricsService,
    MonitorService,
    SweepService,
  ],
  // For the releases module's rollouts, which offer releases as commands (issue 19).
  exports: [CommandService],
})
export class FleetModule {}
