import { Inject, Injectable } from '@nestjs/common';
import type { FacilityUserView, Municipality } from '@kiosk/protocols';
import { PIN_SALT_BYTES, hashPin, verifyPin } from '../domain/lottery/pin-hash';
import { defaultLotterySettings, type LotterySettings } from '../domain/lottery/settings';
import {
  PIN_STATE_CLEAR,
  afterWrongPin,
  attemptsLeft,
  beginPinAttempt,
  isWellFormedUserNumber,
  registrationExpired,
  registrationExpiry,
  userNumberFrom,
  type PinAttemptState,
} from '../domain/lottery/user-rules';
import { badRequest, notFound } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { LOTTERY_CLOCK, type Clock } from '../repositories/lottery-clock.repository';
import { FACILITY_CATALOGUE_REPOSITORY, type FacilityCatalogueRepository } from '../repositories/facility-catalogue.repository';
import { FACILITY_USERS_REPOSITORY, type FacilityUsersRepository } from '../repositories/facility-users.repository';
import { RANDOM, type Random } from '../repositories/random.repository';
import { SignInRefusedException, refused } from './lottery.errors';
import { hashToken, newSessionToken } from './session-token.rules';

/** Who is acting, once a session (or a PIN) has been checked. `identityId` spans every linked card. */
export interface FacilityPrincipal {
  userNumber: string;
  identityId: string;
  municipality: Municipality;
}

export interface SignedIn {
  sessionToken: string;
  expiresAt: string;
  user: FacilityUserView;
}

/**
 * Facility users: registration, sign-in with the user card number and PIN (or a My Number card whose
 * certificate the caller has verified), the lock-out, linked cards and terminal sessions. The PIN and
 * the user number are never logged; log lines carry municipality, outcome codes and counts.
 */
@Injectable()
export class FacilityUsersService {
  private readonly log: Logger;
  /** A hash to check unknown user numbers against, so they take as long to refuse as a wrong PIN. */
  private decoyHash: Promise<string> | undefined;

  constructor(
    @Inject(FACILITY_USERS_REPOSITORY) private readonly users: FacilityUsersRepository,
    @Inject(FACILITY_CATALOGUE_REPOSITORY) private readonly catalogue: FacilityCatalogueRepository,
    @Inject(LOTTERY_CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'facility-users' });
  }

  /** Registers a user at a counter; the number is new, random and carries a check digit. */
  async register(input: { municipality: Municipality; pin: string; certificateFingerprint?: string }): Promise<{ userNumber: string; expiresOn: string; identityId: string }> {
    if (!/^[0-9]{4}$/.test(input.pin)) throw badRequest('invalid_message', 'PIN: 4 digits', [{ path: 'pin', message: 'PIN: 4 digits' }]);
    const settings = await this.settingsOf(input.municipality);
    const now = this.clock.now();
    const pinHash = await hashPin(input.pin, this.random.bytes(PIN_SALT_BYTES));
    const expiresOn = registrationExpiry(now, settings.registrationYears);
    for (let attempt = 0; attempt < 20; attempt++) {
      const userNumber = userNumberFrom(String(this.random.bytes(4).readUInt32BE() % 10_000_000).padStart(7, '0'));
      const result = await this.users.create({
        userNumber,
        municipality: input.municipality,
        newIdentityId: this.random.uuidv7(now),
        pinHash,
        registeredAt: now.toISOString(),
        expiresOn,
        certificateFingerprint: input.certificateFingerprint ?? null,
      });
      if (result.created) {
        this.log.info({ municipality: input.municipality, certificateLinked: input.certificateFingerprint !== undefined }, 'facility user registered');
        return { userNumber, expiresOn, identityId: result.identityId };
      }
    }
    throw new Error('no free user number after 20 tries');
  }

  /** Demo only: registers the given users (fixed numbers and PINs) that do not exist yet; resolves with how many. */
  async ensureDemoUsers(users: readonly { userNumber: string; pin: string; municipality: Municipality }[]): Promise<number> {
    let created = 0;
    for (const user of users) {
      if (!isWellFormedUserNumber(user.userNumber)) throw new RangeError('a demo user number needs its check digit');
      if (await this.users.findByNumber(user.userNumber)) continue;
      const settings = await this.settingsOf(user.municipality);
      const now = this.clock.now();
      const result = await this.users.create({
        userNumber: user.userNumber,
        municipality: user.municipality,
        newIdentityId: this.random.uuidv7(now),
        pinHash: await hashPin(user.pin, this.random.bytes(PIN_SALT_BYTES)),
        registeredAt: now.toISOString(),
        expiresOn: registrationExpiry(now, settings.registrationYears),
        certificateFingerprint: null,
      });
      if (result.created) created += 1;
    }
    if (created > 0) this.log.info({ created }, 'demo facility users registered');
    return created;
  }

  /**
   * Checks a user number and PIN. The attempt is counted before the PIN is checked, and the count is
   * cleared only by the right PIN; the attempt that reaches the limit locks the account.
   */
  async verifyCredentials(userNumber: string, pin: string): Promise<FacilityPrincipal> {
    if (!isWellFormedUserNumber(userNumber)) {
      throw new SignInRefusedException('invalid_credentials', 'this is not a valid user number; scan the card again');
    }
    const user = await this.users.findByNumber(userNumber);
    if (!user) {
      await verifyPin(pin, await this.decoy());
      this.log.info({ code: 'invalid_credentials' }, 'facility sign-in refused');
      throw new SignInRefusedException('invalid_credentials', 'user number or PIN is wrong');
    }
    const settings = await this.settingsOf(user.municipality);
    const now = this.clock.now();
    const begun = await this.stepPin(userNumber, (state) => {
      const step = beginPinAttempt(state, now, settings.pin);
      return { next: step.next, outcome: step };
    });
    if (!begun?.allowed) {
      this.log.info({ code: 'account_locked' }, 'facility sign-in refused');
      throw new SignInRefusedException('account_locked', 'too many wrong PINs: the account is locked for now', 0, begun?.next.lockedUntil ?? undefined);
    }
    if (!(await verifyPin(pin, user.pinHash))) {
      // Read once, outside the step: the step is pure, and may run twice if the transaction is re-run.
      const checkedAt = this.clock.now();
      const after = await this.stepPin(userNumber, (state) => {
        const next = afterWrongPin(state, checkedAt, settings.pin);
        return { next, outcome: next };
      });
      if (after?.lockedUntil) {
        this.log.warn({ code: 'account_locked', attempts: after.failedAttempts }, 'facility account locked');
        throw new SignInRefusedException('account_locked', 'too many wrong PINs: the account is locked for now', 0, after.lockedUntil);
      }
      this.log.info({ code: 'invalid_credentials' }, 'facility sign-in refused');
      throw new SignInRefusedException('invalid_credentials', 'user number or PIN is wrong', after ? attemptsLeft(after, settings.pin) : undefined);
    }
    await this.stepPin(userNumber, () => ({ next: PIN_STATE_CLEAR, outcome: undefined }));
    // Told only to someone who knew the PIN, so expiry does not reveal which numbers exist.
    if (registrationExpired(user.expiresOn, now)) {
      throw new SignInRefusedException('registration_expired', `the registration expired on ${user.expiresOn}; renew it at a counter`);
    }
    return { userNumber, identityId: user.identityId, municipality: user.municipality };
  }

  async signIn(userNumber: string, pin: string): Promise<SignedIn> {
    const principal = await this.verifyCredentials(userNumber, pin);
    return this.openSession(principal.userNumber, 'user-card');
  }

  /**
   * Sign-in with a My Number card: the caller has already checked the card's signature over a fresh
   * challenge and the certificate chain (certificate issuance does the same); here the certificate's
   * fingerprint finds the person's user card of this municipality. Its number comes back too: the
   * terminal matches the person's own unsent offline entries by it (never logged here or there).
   */
  async signInWithVerifiedCertificate(fingerprint: string, municipality: Municipality): Promise<SignedIn & { userNumber: string }> {
    const user = await this.users.findByCertificate(fingerprint, municipality);
    if (!user) throw new SignInRefusedException('invalid_credentials', 'this card is not linked to a user registration here');
    if (registrationExpired(user.expiresOn, this.clock.now())) {
      throw new SignInRefusedException('registration_expired', `the registration expired on ${user.expiresOn}; renew it at a counter`);
    }
    return { ...(await this.openSession(user.userNumber, 'my-number')), userNumber: user.userNumber };
  }

  /** The principal of a live session; `session_expired` otherwise. */
  async resolveSession(sessionToken: string): Promise<FacilityPrincipal> {
    const session = await this.users.findSession(hashToken(sessionToken));
    if (!session || Date.parse(session.expiresAt) <= this.clock.now().getTime()) {
      throw refused('session_expired', 'the session has ended: sign in again');
    }
    const user = await this.users.findByNumber(session.userNumber);
    if (!user) throw refused('session_expired', 'the session has ended: sign in again');
    return { userNumber: user.userNumber, identityId: user.identityId, municipality: user.municipality };
  }

  async signOut(sessionToken: string): Promise<void> {
    await this.users.deleteSession(hashToken(sessionToken));
  }

  /** Links a My Number card; a card already linked to another user card makes them one identity. */
  async linkCertificate(userNumber: string, fingerprint: string): Promise<{ identityId: string; merged: boolean }> {
    const linked = await this.users.linkCertificate(userNumber, fingerprint, this.clock.now().toISOString());
    if (!linked) throw notFound('no such user');
    this.log.info({ merged: linked.merged }, 'certificate linked to facility user');
    return linked;
  }

  async renew(userNumber: string): Promise<{ expiresOn: string }> {
    const user = await this.users.findByNumber(userNumber);
    if (!user) throw notFound('no such user');
    const settings = await this.settingsOf(user.municipality);
    const expiresOn = registrationExpiry(this.clock.now(), settings.registrationYears);
    await this.users.renew(userNumber, expiresOn);
    return { expiresOn };
  }

  async purgeExpiredSessions(): Promise<number> {
    return this.users.purgeSessions(this.clock.now().toISOString());
  }

  private async openSession(userNumber: string, method: 'user-card' | 'my-number'): Promise<SignedIn> {
    const user = await this.users.findByNumber(userNumber);
    if (!user) throw notFound('no such user');
    const settings = await this.settingsOf(user.municipality);
    const now = this.clock.now();
    const sessionToken = newSessionToken(this.random);
    const expiresAt = new Date(now.getTime() + settings.sessionMinutes * 60_000).toISOString();
    await this.users.createSession(hashToken(sessionToken), userNumber, now.toISOString(), expiresAt);
    this.log.info({ municipality: user.municipality, method }, 'facility user signed in');
    return {
      sessionToken,
      expiresAt,
      user: { municipality: user.municipality, expiresOn: user.expiresOn, certificateLinked: user.certificateLinked },
    };
  }

  /**
   * One step of the PIN attempt state machine (user-rules.ts) in one transaction: the stored state
   * read with the user's row held, the pure `step`, its next state written. Undefined for an unknown
   * user. `step` must be pure: PostgreSQL may run the transaction again after a race.
   */
  private stepPin<T>(userNumber: string, step: (state: PinAttemptState) => { next: PinAttemptState; outcome: T }): Promise<T | undefined> {
    return this.users.transaction(async (tx) => {
      const held = await this.users.holdPinState(userNumber, tx);
      if (!held) return undefined;
      const { next, outcome } = step(held.pin);
      await this.users.writePinState(userNumber, next, tx);
      return outcome;
    });
  }

  private async settingsOf(municipality: Municipality): Promise<LotterySettings> {
    return (await this.catalogue.getSettings(municipality)) ?? defaultLotterySettings(municipality);
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= hashPin('0000', this.random.bytes(PIN_SALT_BYTES));
    return this.decoyHash;
  }
}
