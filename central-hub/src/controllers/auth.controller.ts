import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { LoginRequestSchema, type LoginRequest, type LoginResponse, type UserView } from '@kiosk/protocols';
import type { Principal } from '../services/access.rules';
import { AuthService } from '../services/auth.service';
import { ZodPipe } from './pipes';
import { CurrentPrincipal, SessionGuard } from './session.guard';

@Controller('api/auth')
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  /** 200 with a session token; 401 `unauthorized` for wrong credentials; 429 `rate_limited` when locked. */
  @Post('login')
  @HttpCode(HttpStatus.OK)
  login(@Body(new ZodPipe(LoginRequestSchema, 'login request')) body: LoginRequest, @Req() request: Request): Promise<LoginResponse> {
    return this.auth.login(body, request.ip ?? request.socket.remoteAddress ?? 'unknown');
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(SessionGuard)
  logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.auth.logout(principal);
  }

  @Get('me')
  @UseGuards(SessionGuard)
  me(@CurrentPrincipal() principal: Principal): { user: UserView } {
    return { user: this.auth.me(principal) };
  }
}
