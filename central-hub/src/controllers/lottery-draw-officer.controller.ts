import { Body, Controller, HttpCode, HttpStatus, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { DrawWitnessRequestSchema, RoundIdSchema, type DrawWitnessRequest, type DrawWitnessResult } from '@kiosk/protocols';
import type { Principal } from '../services/access.rules';
import { LotteryDrawOfficerService } from '../services/lottery-draw-officer.service';
import { ZodPipe } from './pipes';
import { CurrentPrincipal, SessionGuard } from './session.guard';

/**
 * The draw officer's route (DRAW.md, "The witness"): `POST /api/lottery/rounds/:roundId/witness
 * {value, source}` from the round's draw time, by an administrator of its municipality; draws at once.
 */
@Controller('api/lottery/rounds')
@UseGuards(SessionGuard)
export class LotteryDrawOfficerController {
  constructor(@Inject(LotteryDrawOfficerService) private readonly officer: LotteryDrawOfficerService) {}

  @Post(':roundId/witness')
  @HttpCode(HttpStatus.OK)
  witness(
    @CurrentPrincipal() principal: Principal,
    @Param('roundId', new ZodPipe(RoundIdSchema, 'round id')) roundId: string,
    @Body(new ZodPipe(DrawWitnessRequestSchema, 'draw witness')) body: DrawWitnessRequest,
  ): Promise<DrawWitnessResult> {
    return this.officer.enterWitness(principal, roundId, body);
  }
}
