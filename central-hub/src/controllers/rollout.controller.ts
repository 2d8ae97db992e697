import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { CreateRolloutRequestSchema, KioskIdSchema, KioskTagsSchema, type CreateRolloutRequest, type KioskTags, type RolloutDetail, type RolloutList, type RolloutSummary } from '@kiosk/protocols';
import type { Principal } from '../services/access.rules';
import { RolloutService } from '../services/rollout.service';
import { ZodPipe } from './pipes';
import { CurrentPrincipal, SessionGuard } from './session.guard';

const RolloutIdSchema = z.uuidv7();

/**
 * Staged rollouts of agent releases (issue 19, README "Rollouts"): `POST /api/rollouts` (technicians and
 * administrators), `GET /api/rollouts`, `GET /api/rollouts/:id` (stages and kiosks), and
 * `POST /api/rollouts/:id/pause|resume|abort`.
 */
@Controller('api/rollouts')
@UseGuards(SessionGuard)
export class RolloutController {
  constructor(@Inject(RolloutService) private readonly rollouts: RolloutService) {}

  @Post()
  @HttpCode(201)
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(CreateRolloutRequestSchema, 'rollout')) body: CreateRolloutRequest): Promise<RolloutDetail> {
    return this.rollouts.create(principal, body);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal): Promise<RolloutList> {
    return this.rollouts.list(principal);
  }

  @Get(':rolloutId')
  detail(@CurrentPrincipal() principal: Principal, @Param('rolloutId', new ZodPipe(RolloutIdSchema, 'rollout id')) rolloutId: string): Promise<RolloutDetail> {
    return this.rollouts.detail(principal, rolloutId);
  }

  @Post(':rolloutId/pause')
  @HttpCode(200)
  pause(@CurrentPrincipal() principal: Principal, @Param('rolloutId', new ZodPipe(RolloutIdSchema, 'rollout id')) rolloutId: string): Promise<RolloutSummary> {
    return this.rollouts.steer(principal, rolloutId, 'pause');
  }

  @Post(':rolloutId/resume')
  @HttpCode(200)
  resume(@CurrentPrincipal() principal: Principal, @Param('rolloutId', new ZodPipe(RolloutIdSchema, 'rollout id')) rolloutId: string): Promise<RolloutSummary> {
    return this.rollouts.steer(principal, rolloutId, 'resume');
  }

  @Post(':rolloutId/abort')
  @HttpCode(200)
  abort(@CurrentPrincipal() principal: Principal, @Param('rolloutId', new ZodPipe(RolloutIdSchema, 'rollout id')) rolloutId: string): Promise<RolloutSummary> {
    return this.rollouts.steer(principal, rolloutId, 'abort');
  }
}

/** Kiosk tags, the groups a rollout may target: `GET` and `POST /api/kiosks/:kioskId/tags` (the whole set). */
@Controller('api/kiosks/:kioskId/tags')
@UseGuards(SessionGuard)
export class KioskTagsController {
  constructor(@Inject(RolloutService) private readonly rollouts: RolloutService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Param('kioskId', new ZodPipe(KioskIdSchema, 'kiosk id')) kioskId: string): Promise<KioskTags> {
    return this.rollouts.tagsOf(principal, kioskId);
  }

  @Post()
  @HttpCode(200)
  set(
    @CurrentPrincipal() principal: Principal,
    @Param('kioskId', new ZodPipe(KioskIdSchema, 'kiosk id')) kioskId: string,
    @Body(new ZodPipe(KioskTagsSchema, 'kiosk tags')) body: KioskTags,
  ): Promise<KioskTags> {
    return this.rollouts.setTags(principal, kioskId, body);
  }
}
