import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { KioskIdSchema, KioskQuerySchema, type FleetOverview, type KioskDetail, type KioskQuery, type KioskSummary } from '@kiosk/protocols';
import {
  CreateCommandRequestSchema,
  type CommandView,
  type CreateCommandRequest,
  type CreateCommandResponse,
} from '../dtos/command.dto';
import type { Principal } from '../services/access.rules';
import { CommandService } from '../services/command.service';
import { FleetService } from '../services/fleet.service';
import { QueryPipe, ZodPipe } from './pipes';
import { CurrentPrincipal, SessionGuard } from './session.guard';

/** The fleet, scoped to what the signed-in technician may see. */
@Controller('api')
@UseGuards(SessionGuard)
export class KioskController {
  constructor(
    @Inject(FleetService) private readonly fleet: FleetService,
    @Inject(CommandService) private readonly commands: CommandService,
  ) {}

  @Get('fleet/overview')
  overview(@CurrentPrincipal() principal: Principal): Promise<FleetOverview> {
    return this.fleet.overview(principal);
  }

  /** `?municipality=&site=&status=&alert=<kind>|any` */
  @Get('kiosks')
  list(@CurrentPrincipal() principal: Principal, @Query(new QueryPipe(KioskQuerySchema, 'kiosk query')) query: KioskQuery): Promise<KioskSummary[]> {
    return this.fleet.list(principal, query);
  }

  @Get('kiosks/:kioskId')
  detail(@CurrentPrincipal() principal: Principal, @Param('kioskId', new ZodPipe(KioskIdSchema, 'kiosk id')) kioskId: string): Promise<KioskDetail> {
    return this.fleet.detail(principal, kioskId);
  }

  @Post('kiosks/:kioskId/commands')
  @HttpCode(HttpStatus.CREATED)
  createCommand(
    @CurrentPrincipal() principal: Principal,
    @Param('kioskId', new ZodPipe(KioskIdSchema, 'kiosk id')) kioskId: string,
    @Body(new ZodPipe(CreateCommandRequestSchema, 'command request')) body: CreateCommandRequest,
  ): Promise<CreateCommandResponse> {
    return this.commands.create(principal, kioskId, body);
  }

  @Get('kiosks/:kioskId/commands')
  listCommands(@CurrentPrincipal() principal: Principal, @Param('kioskId', new ZodPipe(KioskIdSchema, 'kiosk id')) kioskId: string): Promise<CommandView[]> {
    return this.commands.list(principal, kioskId);
  }
}
