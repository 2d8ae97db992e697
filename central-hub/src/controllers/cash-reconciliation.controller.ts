import { Body, Controller, Get, HttpCode, Inject, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import {
  CashReconciliationQuerySchema,
  VoucherRedemptionRequestSchema,
  type CashReconciliationQuery,
  type CashReconciliationReport,
  type VoucherRedemption,
  type VoucherRedemptionRequest,
} from '@kiosk/protocols';
import type { Principal } from '../services/access.rules';
import { CashReconciliationService } from '../services/cash-reconciliation.service';
import { CashVoucherService } from '../services/cash-vouchers.service';
import { QueryPipe, ZodPipe } from './pipes';
import { CurrentPrincipal, SessionGuard } from './session.guard';

/**
 * Cash reconciliation for technicians and administrators of a municipality (README "REST"): the report
 * as JSON, and the same periods as CSV for the accounting office; and the office's record of a kiosk's
 * voucher paid (administrators).
 */
@Controller('api/cash')
@UseGuards(SessionGuard)
export class CashReconciliationController {
  constructor(
    @Inject(CashReconciliationService) private readonly cash: CashReconciliationService,
    @Inject(CashVoucherService) private readonly vouchers: CashVoucherService,
  ) {}

  @Post('vouchers/redemptions')
  @HttpCode(201)
  redeem(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(VoucherRedemptionRequestSchema, 'voucher redemption')) request: VoucherRedemptionRequest,
  ): Promise<VoucherRedemption> {
    return this.vouchers.redeem(principal, request);
  }

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
