import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Post, Query, UseGuards } from '@nestjs/common';
import {
  FeeTableQuerySchema,
  MaintenanceDayListQuerySchema,
  MaintenanceDayRequestSchema,
  ServiceAvailabilityQuerySchema,
  ServiceCalendarQuerySchema,
  type FeeTable,
  type FeeTableQuery,
  type MaintenanceDayChange,
  type MaintenanceDayList,
  type MaintenanceDayListQuery,
  type MaintenanceDayRequest,
  type ServiceAvailabilityAt,
  type ServiceAvailabilityQuery,
  type ServiceCalendarQuery,
  type ServiceCalendarView,
} from '@kiosk/protocols';
import type { Principal } from '../services/access.rules';
import { CertificateCalendarService } from '../services/certificate-calendar.service';
import { QueryPipe, ZodPipe } from './pipes';
import { CurrentPrincipal, SessionGuard } from './session.guard';

/**
 * The certificate service for operators (README "REST"): fee table, calendar, "open at T?" and the
 * maintenance days (technicians and administrators read; administrators schedule and cancel, audited).
 */
@Controller('api/certificates')
@UseGuards(SessionGuard)
export class CertificateCalendarController {
  constructor(@Inject(CertificateCalendarService) private readonly calendar: CertificateCalendarService) {}

  @Get('fees')
  fees(@CurrentPrincipal() principal: Principal, @Query(new QueryPipe(FeeTableQuerySchema, 'fee table query')) query: FeeTableQuery): FeeTable {
    return this.calendar.feeTable(principal, query);
  }

  @Get('calendar')
  serviceCalendar(
    @CurrentPrincipal() principal: Principal,
    @Query(new QueryPipe(ServiceCalendarQuerySchema, 'calendar query')) query: ServiceCalendarQuery,
  ): Promise<ServiceCalendarView> {
    return this.calendar.calendar(principal, query);
  }

  @Get('availability')
  availability(
    @CurrentPrincipal() principal: Principal,
    @Query(new QueryPipe(ServiceAvailabilityQuerySchema, 'availability query')) query: ServiceAvailabilityQuery,
  ): Promise<ServiceAvailabilityAt> {
    return this.calendar.availability(principal, query);
  }

  @Get('maintenance-days')
  maintenanceDays(
    @CurrentPrincipal() principal: Principal,
    @Query(new QueryPipe(MaintenanceDayListQuerySchema, 'maintenance day query')) query: MaintenanceDayListQuery,
  ): Promise<MaintenanceDayList> {
    return this.calendar.maintenanceDays(principal, query);
  }

  @Post('maintenance-days')
  @HttpCode(HttpStatus.CREATED)
  schedule(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(MaintenanceDayRequestSchema, 'maintenance day')) body: MaintenanceDayRequest,
  ): Promise<MaintenanceDayChange> {
    return this.calendar.schedule(principal, body);
  }

  /** `?municipality=&day=`: reopens the day. */
  @Delete('maintenance-days')
  cancel(
    @CurrentPrincipal() principal: Principal,
    @Query(new QueryPipe(MaintenanceDayRequestSchema, 'maintenance day')) query: MaintenanceDayRequest,
  ): Promise<MaintenanceDayChange> {
    return this.calendar.cancel(principal, query);
  }
}
