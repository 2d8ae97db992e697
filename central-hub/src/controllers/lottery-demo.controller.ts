import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Post, UseGuards } from '@nestjs/common';
import { DemoClockAdvanceSchema, type DemoClockAdvance, type DemoClockAdvanceResult, type DemoClockView } from '@kiosk/protocols';
import type { Principal } from '../services/access.rules';
import { LotteryDemoService } from '../services/lottery-demo.service';
import { ZodPipe } from './pipes';
import { CurrentPrincipal, SessionGuard } from './session.guard';

/**
 * The demo's lottery clock (README "Demo draw"): `GET` where it stands, `POST {to}` moves it to the
 * next milestone and runs the lottery tick. Administrators of every municipality; 404 outside the demo.
 */
@Controller('api/lottery/demo-clock')
@UseGuards(SessionGuard)
export class LotteryDemoController {
  constructor(@Inject(LotteryDemoService) private readonly demo: LotteryDemoService) {}

  @Get()
  view(@CurrentPrincipal() principal: Principal): Promise<DemoClockView> {
    return this.demo.view(principal);
  }

  @Post()
  @HttpCode(HttpStatus.OK)
  advance(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(DemoClockAdvanceSchema, 'demo clock')) body: DemoClockAdvance): Promise<DemoClockAdvanceResult> {
    return this.demo.advance(principal, body.to);
  }
}
