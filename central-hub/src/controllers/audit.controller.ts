import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { AuditPageQuerySchema, type AuditPage, type AuditPageQuery } from '@kiosk/protocols';
import type { Principal } from '../services/access.rules';
import { AuditService } from '../services/audit.service';
import { QueryPipe } from './pipes';
import { CurrentPrincipal, SessionGuard } from './session.guard';

/** `GET /api/audit?before=<seq>&limit=<n>`: administrators, newest first. */
@Controller('api/audit')
@UseGuards(SessionGuard)
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get()
  page(@CurrentPrincipal() principal: Principal, @Query(new QueryPipe(AuditPageQuerySchema, 'audit query', ['before', 'limit'])) query: AuditPageQuery): Promise<AuditPage> {
    return this.audit.page(principal, query);
  }
}
