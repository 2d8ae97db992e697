import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { KioskIdSchema, type KioskSummary } from '@kiosk/protocols';
import {
  CreateCommandRequestSchema,
  type CommandView,
  type CreateCommandRequest,
  type CreateCommandResponse,
} from '../dtos/command.dto';
import { CommandService } from '../services/command.service';
import { FleetService } from '../services/fleet.service';
import { AdminGuard } from './admin.guard';
import { ZodPipe } from './pipes';

/** Operator routes for the fleet. */
@Controller('api/kiosks')
@UseGuards(AdminGuard)
export class KioskController {
  constructor(
    @Inject(FleetService) private readonly fleet: FleetService,
    @Inject(CommandService) private readonly commands: CommandService,
  ) {}

  @Get()
  list(): Promise<KioskSummary[]> {
    return this.fleet.list();
  }

  @Post(':kioskId/commands')
  @HttpCode(HttpStatus.CREATED)
  createCommand(
    @Param('kioskId', new ZodPipe(KioskIdSchema, 'kiosk id')) kioskId: string,
    @Body(new ZodPipe(CreateCommandRequestSchema, 'command request')) body: CreateCommandRequest,
  ): Promise<CreateCommandResponse> {
    return this.commands.create(kioskId, body);
  }

  @Get(':kioskId/commands')
  listCommands(@Param('kioskId', new ZodPipe(KioskIdSchema, 'kiosk id')) kioskId: string): Promise<CommandView[]> {
    return this.commands.list(kioskId);
  }
}
