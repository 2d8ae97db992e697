import { Controller, Get, Inject, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CashReconciliationQuerySchema, type CashReconciliationQuery, type CashReconciliationReport } from '@kiosk/protocols';
import type { Principal } from '../services/access.rules';
import { CashReconciliationService } from '../services/cash-reconciliation.service';
import { QueryPipe } from './pipes';
import { CurrentPrincipal, SessionGuard } from './session.guard';

/**
 * Cash reconciliation for technicians and administrators of a municipality (README "REST"): the report
 * as JSON, and the same periods as CSV for the accounting office.
 */
@Controller('api/cash')
@UseGuards(SessionGuard)
export class CashReconciliationController {
  constructor(@Inject(CashReconciliationService) private readonly cash: CashReconciliationService) {}

  @Get('reconciliation')
  report(
    @CurrentPrincipal() principal: Principal,
    @Query(new QueryPipe(CashReconciliationQuerySchema, 'reconciliation query')) query: CashReconciliationQuery,
  ): Promise<CashReconciliationReport> {
    return this.cash.report(principal, query);
  }

  @Get('reconciliation.csv')
  async csv(
    @CurrentPrincipal() principal: Principal,
    @Query(new QueryPipe(CashReconciliationQuerySchema, 'reconciliation query')) query: CashReconciliationQuery,
    @Res() response: Response,
  ): Promise<void> {
    const body = await this.cash.csv(principal, query);
    response
      .status(200)
      .setHeader('content-type', 'text/csv; charset=utf-8')
      .setHeader('content-disposition', `attachment; filename="cash-reconciliation-${query.from}-${query.to}.csv"`)
      .setHeader('cache-control', 'no-store');
    response.end(body);
  }
}
