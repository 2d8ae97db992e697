import { Module } from '@nestjs/common';
import { AuthModule } from './auth.module';
import { LotteryDemoController } from './controllers/lottery-demo.controller';
import { LotteryDrawOfficerController } from './controllers/lottery-draw-officer.controller';
import { LotteryModule } from './lottery.module';
import { LotteryDemoService } from './services/lottery-demo.service';
import { LotteryDrawOfficerService } from './services/lottery-draw-officer.service';

/**
 * The lottery's routes for signed-in staff: the draw officer's witness (`/api/lottery/rounds/:id/witness`)
 * and the demo's lottery clock (`/api/lottery/demo-clock`, administrators; 404 unless the hub runs the
 * demo). Kept out of LotteryModule so that module needs no accounts.
 */
@Module({
  imports: [AuthModule, LotteryModule],
  controllers: [LotteryDemoController, LotteryDrawOfficerController],
  providers: [LotteryDemoService, LotteryDrawOfficerService],
})
export class LotteryDemoModule {}
