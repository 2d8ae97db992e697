import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Controller, Get, Header, Inject, Param, Query, UseGuards } from '@nestjs/common';
import {
  PUBLIC_LOTTERY_PATH,
  PublicRoundsQuerySchema,
  RoundIdSchema,
  type PublicCommitment,
  type PublicRoundList,
  type PublicRoundsQuery,
  type PublishedDraw,
} from '@kiosk/protocols';
import { LotteryPublicService } from '../services/lottery-public.service';
import { QueryPipe, ZodPipe } from './pipes';
import { PublicLotteryRateGuard } from './public-limits';

/** The standalone re-run script, served as it is in the repository (central-hub/tools), from src/ and dist/ alike. */
export const VERIFY_SCRIPT_FILE = path.resolve(__dirname, '..', '..', 'tools', 'verify-draw.mjs');

/**
 * The lottery's public routes (README "Public draw"): no sign-in, on purpose, so that anyone can check a
 * draw; rate limited per client address like `/verify` (public-limits.ts). Nothing here names a person.
 */
@Controller(PUBLIC_LOTTERY_PATH.slice(1))
@UseGuards(PublicLotteryRateGuard)
export class LotteryPublicController {
  constructor(@Inject(LotteryPublicService) private readonly lottery: LotteryPublicService) {}

  @Get('rounds')
  @Header('Cache-Control', 'no-store')
  rounds(@Query(new QueryPipe(PublicRoundsQuerySchema, 'rounds query')) query: PublicRoundsQuery): Promise<PublicRoundList> {
    return this.lottery.listRounds(query);
  }

  @Get('rounds/:roundId/commitment')
  @Header('Cache-Control', 'no-store')
  commitment(@Param('roundId', new ZodPipe(RoundIdSchema, 'round id')) roundId: string): Promise<PublicCommitment> {
    return this.lottery.commitment(roundId);
  }

  /** Fixed once published: the same bytes every time, so it may be cached and mirrored. */
  @Get('rounds/:roundId/draw')
  @Header('Cache-Control', 'no-cache')
  draw(@Param('roundId', new ZodPipe(RoundIdSchema, 'round id')) roundId: string): Promise<PublishedDraw> {
    return this.lottery.draw(roundId);
  }

  @Get('verify-draw.mjs')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="verify-draw.mjs"')
  @Header('Cache-Control', 'no-cache')
  script(): Promise<string> {
    return readFile(VERIFY_SCRIPT_FILE, 'utf8');
  }
}
