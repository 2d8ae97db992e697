import { Module } from '@nestjs/common';
import { AuthModule } from './auth.module';
import { LotteryDemoController } from './controllers/lottery-demo.controller';
import { LotteryModule } from './lottery.module';
import { LotteryDemoService } from './services/lottery-demo.service';

/**
 * The demo's lottery clock route (`/api/lottery/demo-clock`, administrators). Kept out of
 * LotteryModule so that module needs no accounts; the route answers 404 unless the hub runs the demo.
 */
@Module({
  imports: [AuthModule, LotteryModule],
  controllers: [LotteryDemoController],
  providers: [LotteryDemoService],
})
export class LotteryDemoModule {}
