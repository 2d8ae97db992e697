import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Post, UseGuards } from '@nestjs/common';
import { CreateUserRequestSchema, type CreateUserRequest, type UserView } from '@kiosk/protocols';
import type { Principal } from '../services/access.rules';
import { UserService } from '../services/user.service';
import { ZodPipe } from './pipes';
import { CurrentPrincipal, SessionGuard } from './session.guard';

/** Technician accounts (administrators). */
@Controller('api/users')
@UseGuards(SessionGuard)
export class UserController {
  constructor(@Inject(UserService) private readonly users: UserService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(CreateUserRequestSchema, 'account')) body: CreateUserRequest): Promise<UserView> {
    return this.users.create(principal, body);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal): Promise<UserView[]> {
    return this.users.list(principal);
  }
}
