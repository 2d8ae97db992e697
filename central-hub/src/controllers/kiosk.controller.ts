import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CommandIdSchema, KioskIdSchema, KioskQuerySchema, type FleetOverview, type KioskDetail, type KioskQuery, type KioskSummary } from '@kiosk/protocols';
import {
  CreateCommandRequestSchema,
  type CommandView,
  type CreateCommandRequest,
  type CreateCommandResponse,
} from '../dtos/command.dto';
import type { Principal } from '../services/access.rules';
import { CommandService } from '../services/command.service';
import { FleetService } from '../services/fleet.service';
import { LogUploadService } from '../services/log-upload.service';
import { QueryPipe, ZodPipe } from './pipes';
import { CurrentPrincipal, SessionGuard } from './session.guard';

/** The fleet, scoped to what the signed-in technician may see. */
@Controller('api')
@UseGuards(SessionGuard)
export class KioskController {
  constructor(
    @Inject(FleetService) private readonly fleet: FleetService,
    @Inject(CommandService) private readonly commands: CommandService,
    @Inject(LogUploadService) private readonly logUploads: LogUploadService,
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

  /** The log lines a kiosk uploaded for a `logs.upload` command, as NDJSON (technicians of its municipality; audited). */
  @Get('kiosks/:kioskId/commands/:commandId/logs')
  async downloadLogs(
    @CurrentPrincipal() principal: Principal,
    @Param('kioskId', new ZodPipe(KioskIdSchema, 'kiosk id')) kioskId: string,
    @Param('commandId', new ZodPipe(CommandIdSchema, 'command id')) commandId: string,
    @Res() response: Response,
  ): Promise<void> {
    const download = await this.logUploads.download(principal, kioskId, commandId);
    response
      .status(200)
      .setHeader('content-type', 'application/x-ndjson; charset=utf-8')
      .setHeader('content-disposition', `attachment; filename="${download.filename}"`)
      .setHeader('cache-control', 'no-store')
      .setHeader('x-log-lines', String(download.lines))
      .setHeader('x-log-complete', String(download.complete));
    response.end(download.body);
  }

  @Get('kiosks/:kioskId/commands')
  listCommands(@CurrentPrincipal() principal: Principal, @Param('kioskId', new ZodPipe(KioskIdSchema, 'kiosk id')) kioskId: string): Promise<CommandView[]> {
    return this.commands.list(principal, kioskId);
  }
}
