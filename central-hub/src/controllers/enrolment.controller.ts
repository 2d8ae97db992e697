import { Body, Controller, HttpCode, HttpStatus, Inject, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import {
  EnrolRequestSchema,
  EnrolmentCodeRequestSchema,
  type EnrolRequest,
  type EnrolResponse,
  type EnrolmentCodeRequest,
  type EnrolmentCodeResponse,
} from '@kiosk/protocols';
import type { Principal } from '../services/access.rules';
import { EnrolmentService } from '../services/enrolment.service';
import { ZodPipe } from './pipes';
import { EnrolRateInterceptor } from './public-limits';
import { CurrentPrincipal, SessionGuard } from './session.guard';

@Controller('api')
export class EnrolmentController {
  constructor(@Inject(EnrolmentService) private readonly enrolment: EnrolmentService) {}

  /** Administrators (of that municipality): a one-time code (24 h) for a new kiosk; the hub picks the kiosk id. */
  @Post('enrolment-codes')
  @HttpCode(HttpStatus.CREATED)
  @UseGuards(SessionGuard)
  createCode(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(EnrolmentCodeRequestSchema, 'enrolment code request')) body: EnrolmentCodeRequest,
  ): Promise<EnrolmentCodeResponse> {
    return this.enrolment.createCode(principal, body);
  }

  /** Agent: no other authentication, the one-time code is the secret. */
  @Post('kiosks/enrol')
  @HttpCode(HttpStatus.CREATED)
  @UseInterceptors(EnrolRateInterceptor)
  enrol(@Body(new ZodPipe(EnrolRequestSchema, 'enrolment request')) body: EnrolRequest): Promise<EnrolResponse> {
    return this.enrolment.enrol(body);
  }
}
