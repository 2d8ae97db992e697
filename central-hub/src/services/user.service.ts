import { Inject, Injectable } from '@nestjs/common';
import type { CreateUserRequest, UserView } from '@kiosk/protocols';
import { badRequest, conflict, forbidden } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { RANDOM, type Random } from '../repositories/random.repository';
import { USER_REPOSITORY, UsernameTakenError, type UserRecord, type UserRepository } from '../repositories/user.repository';
import { can, inScope, type Principal } from './access.rules';
import { AuditService } from './audit.service';
import { SALT_BYTES, hashPassword } from './password.rules';
import { passwordWeakness } from './password-strength.rules';

function view(user: UserRecord): UserView {
  return { userId: user.userId, username: user.username, role: user.role, municipality: user.municipality };
}

/**
 * Technician accounts. Administrators create them within their own scope: one of a municipality
 * creates accounts of that municipality only; only an all-municipality administrator creates another.
 */
@Injectable()
export class UserService {
  private readonly log: Logger;

  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'users' });
  }

  async create(principal: Principal, request: CreateUserRequest): Promise<UserView> {
    if (!can(principal, 'manage-users', request.municipality)) {
      throw forbidden('only an administrator of that scope may create this account');
    }
    if (request.municipality === null && request.role !== 'administrator') {
      throw badRequest('invalid_message', 'only administrators may have every municipality', [
        { path: 'municipality', message: 'required for viewers and technicians' },
      ]);
    }
    const weakness = passwordWeakness(request.password, [request.username, ...(request.municipality === null ? [] : [request.municipality])]);
    if (weakness) throw badRequest('invalid_message', `password ${weakness.message}`, [{ path: 'password', message: weakness.message }]);
    const user = await this.newUser(request.username, request.password, request.role, request.municipality);
    try {
      const entry = await this.users.create(
        user,
        this.audit.draft(principal, {
          action: 'user.created',
          outcome: 'ok',
          municipality: user.municipality,
          target: user.username,
          detail: { role: user.role },
        }),
      );
      this.audit.published(entry);
    } catch (error) {
      if (error instanceof UsernameTakenError) throw conflict(`username ${request.username} is taken`);
      throw error;
    }
    this.log.info({ username: user.username, role: user.role, municipality: user.municipality }, 'technician account created');
    return view(user);
  }

  async list(principal: Principal): Promise<UserView[]> {
    if (!can(principal, 'manage-users', principal.municipality)) throw forbidden('only administrators may list accounts');
    return (await this.users.list()).filter((user) => user.municipality !== null ? inScope(principal, user.municipality) : principal.municipality === null).map(view);
  }

  /** The demo's first account (see AuthService); false when another process created one first. */
  async createDemoAdministrator(username: string, password: string): Promise<boolean> {
    const user = await this.newUser(username, password, 'administrator', null);
    try {
      const entry = await this.users.create(
        user,
        this.audit.systemDraft(
          { actor: 'hub', actorKind: 'system' },
          { action: 'user.created', outcome: 'ok', municipality: null, target: username, detail: { role: 'administrator', demo: true } },
        ),
      );
      this.audit.published(entry);
      return true;
    } catch (error) {
      if (error instanceof UsernameTakenError) return false;
      throw error;
    }
  }

  private async newUser(username: string, password: string, role: UserRecord['role'], municipality: string | null): Promise<UserRecord> {
    const now = this.clock.now();
    return {
      userId: this.random.uuidv7(now),
      username,
      passwordHash: await hashPassword(password, this.random.bytes(SALT_BYTES)),
      role,
      municipality,
      createdAt: now.toISOString(),
    };
  }
}
