import { Controller, Get, Inject, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { AuditPageQuerySchema, type AuditPage, type AuditPageQuery } from '@kiosk/protocols';
import type { Principal } from '../services/access.rules';
import { AuditService } from '../services/audit.service';
import { QueryPipe } from './pipes';
import { CurrentPrincipal, SessionGuard } from './session.guard';

/**
 * `GET /api/audit?before=<seq>&limit=<n>`: administrators, newest first. `GET /api/audit/checkpoints`:
 * this hub process's signed checkpoints (`audit-checkpoints.jsonl`) to keep elsewhere, with the public
 * key that checks them in the `x-audit-public-key` header (base64 of the PEM); `GET
 * /api/audit/public-key`: that key as PEM.
 */
@Controller('api/audit')
@UseGuards(SessionGuard)
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get()
  page(@CurrentPrincipal() principal: Principal, @Query(new QueryPipe(AuditPageQuerySchema, 'audit query', ['before', 'limit'])) query: AuditPageQuery): Promise<AuditPage> {
    return this.audit.page(principal, query);
  }

  @Get('checkpoints')
  checkpoints(@CurrentPrincipal() principal: Principal, @Res() response: Response): void {
    const { checkpoints, publicKeyPem } = this.audit.checkpointExport(principal);
    response
      .status(200)
      .setHeader('content-type', 'application/x-ndjson; charset=utf-8')
      .setHeader('content-disposition', 'attachment; filename="audit-checkpoints.jsonl"')
      .setHeader('cache-control', 'no-store')
      .setHeader('x-audit-public-key', Buffer.from(publicKeyPem).toString('base64'));
    response.end(checkpoints);
  }

  @Get('public-key')
  publicKey(@CurrentPrincipal() principal: Principal, @Res() response: Response): void {
    const { publicKeyPem } = this.audit.checkpointExport(principal);
    response.status(200).setHeader('content-type', 'application/x-pem-file').setHeader('cache-control', 'no-store');
    response.end(publicKeyPem);
  }
}
