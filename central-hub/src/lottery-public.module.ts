import { Module } from '@nestjs/common';
import { LotteryPublicController } from './controllers/lottery-public.controller';
import { LotteryModule } from './lottery.module';
import { LotteryPublicService } from './services/lottery-public.service';

/**
 * The lottery's public routes (`/api/public/lottery/...`): commitments and draw documents for anyone,
 * without an account. Kept out of LotteryModule so that module stays free of HTTP routes.
 */
@Module({
  imports: [LotteryModule],
  controllers: [LotteryPublicController],
  providers: [LotteryPublicService],
})
export class LotteryPublicModule {}
