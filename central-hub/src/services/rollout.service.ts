import { Inject, Injectable } from '@nestjs/common';
import type { CreateRolloutRequest, KioskTags, RolloutDetail, RolloutList, RolloutSummary } from '@kiosk/protocols';
import { conflict, forbidden, notFound, type ProtocolException } from '../errors';
import { LOGGER, type Logger } from '../logger';
import type { AuditDraft } from '../repositories/audit.sql';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { KIOSK_REPOSITORY, type KioskRepository } from '../repositories/kiosk.repository';
import { KIOSK_TAGS_REPOSITORY, type KioskTagsRepository } from '../repositories/kiosk-tags.repository';
import { RANDOM, type Random } from '../repositories/random.repository';
import { RELEASE_REPOSITORY, type ReleaseRepository } from '../repositories/release.repository';
import { ROLLOUT_REPOSITORY, type RolloutRecord, type RolloutRepository } from '../repositories/rollout.repository';
import { hasRole, inScope, refusal, type Principal } from './access.rules';
import { AuditService, type AuditFacts } from './audit.service';
import { RolloutProgressService } from './rollout-progress.service';
import { assignStages, nextRolloutState } from './rollout.rules';
import { targetLabel, toRolloutKioskView, toRolloutSummary } from './rollout-views';

const LIST_LIMIT = 100;
/** How many kiosks a refusal names (the rest are counted). */
const NAMED = 5;

export type RolloutStep = 'pause' | 'resume' | 'abort';
const ACTION_OF = { pause: 'rollout.paused', resume: 'rollout.resumed', abort: 'rollout.aborted' } as const;

/**
 * Staged rollouts as technicians steer them (issue 19): create one for a group (a municipality, a site
 * or a tag, within their own municipality), list and read them, pause, resume and abort. Technicians and
 * administrators may steer, viewers only look; every step and every refusal is audited. What happens to
 * a running rollout afterwards is RolloutProgressService's.
 */
@Injectable()
export class RolloutService {
  private readonly log: Logger;

  constructor(
    @Inject(ROLLOUT_REPOSITORY) private readonly rollouts: RolloutRepository,
    @Inject(RELEASE_REPOSITORY) private readonly releases: ReleaseRepository,
    @Inject(KIOSK_REPOSITORY) private readonly kiosks: KioskRepository,
    @Inject(KIOSK_TAGS_REPOSITORY) private readonly tags: KioskTagsRepository,
    @Inject(RolloutProgressService) private readonly progress: RolloutProgressService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'rollouts' });
  }

  async create(principal: Principal, request: CreateRolloutRequest): Promise<RolloutDetail> {
    const facts = { municipality: principal.municipality, target: request.version };
    const refuse = (reason: string, error: ProtocolException) => this.refused(principal, { ...facts, action: 'rollout.created', outcome: 'refused', detail: { reason, version: request.version } }, error);
    if (!hasRole(principal, 'command')) return refuse('role', forbidden(`a ${principal.role} cannot start rollouts`));
    if (request.target.kind !== 'tag' && !inScope(principal, request.target.municipality)) return refuse('municipality', forbidden(`${request.target.municipality} is outside your municipality`));
    if (!(await this.releases.artefactOf(request.version))) return refuse('no-release', notFound(`no release ${request.version} on the hub`));
    const members = await this.rollouts.groupKiosks(request.target, principal.municipality);
    if (members.length === 0) return refuse('empty-group', conflict('no enrolled kiosk is in that group'));
    const held = await this.rollouts.heldKiosks(members);
    if (held.length > 0) {
      const named = held.slice(0, NAMED).join(', ') + (held.length > NAMED ? ` and ${held.length - NAMED} more` : '');
      return refuse('kiosks-held', conflict(`kiosks already in an unfinished rollout (abort it first): ${named}`));
    }

    const now = this.clock.now();
    const rollout: RolloutRecord = {
      rolloutId: this.random.uuidv7(now),
      version: request.version,
      target: request.target,
      scopeMunicipality: principal.municipality,
      stages: request.stages,
      state: 'running',
      currentStage: 0,
      reason: null,
      createdAt: now.toISOString(),
      createdBy: principal.username,
      updatedAt: now.toISOString(),
    };
    const assigned = assignStages(members, request.stages);
    const entry = await this.rollouts.create(
      rollout,
      assigned,
      this.audit.draft(principal, {
        action: 'rollout.created',
        outcome: 'ok',
        municipality: principal.municipality,
        target: rollout.rolloutId,
        detail: { version: rollout.version, group: targetLabel(rollout), stages: rollout.stages.length, kiosks: assigned.length },
      }),
    );
    this.log.info({ rolloutId: rollout.rolloutId, version: rollout.version, kiosks: assigned.length, username: principal.username }, 'rollout created');
    await this.progress.published(rollout.rolloutId, entry);
    // The first stage is offered now; should that fail, the next tick offers it.
    try {
      await this.progress.step(rollout.rolloutId);
    } catch (error) {
      this.log.error({ rolloutId: rollout.rolloutId, err: error instanceof Error ? error.message : String(error) }, 'first offers failed; the tick retries');
    }
    return this.detail(principal, rollout.rolloutId);
  }

  async list(principal: Principal): Promise<RolloutList> {
    if (!hasRole(principal, 'view')) throw forbidden('not allowed to list rollouts');
    const rollouts = await this.rollouts.list(principal.municipality, LIST_LIMIT);
    const counts = await this.rollouts.stageCounts(rollouts.map((r) => r.rolloutId));
    return { rollouts: rollouts.map((rollout) => toRolloutSummary(rollout, counts.get(rollout.rolloutId) ?? [])) };
  }

  /** The rollout with its kiosks (those the principal may see). */
  async detail(principal: Principal, rolloutId: string): Promise<RolloutDetail> {
    const rollout = await this.visible(principal, rolloutId);
    const kiosks = (await this.rollouts.kiosks(rolloutId)).filter((kiosk) => inScope(principal, kiosk.municipality));
    const counts = (await this.rollouts.stageCounts([rolloutId])).get(rolloutId) ?? [];
    return { rollout: toRolloutSummary(rollout, counts), kiosks: kiosks.map(toRolloutKioskView) };
  }

  async steer(principal: Principal, rolloutId: string, step: RolloutStep): Promise<RolloutSummary> {
    const rollout = await this.visible(principal, rolloutId);
    const facts = { action: ACTION_OF[step], municipality: rollout.scopeMunicipality, target: rolloutId };
    if (!hasRole(principal, 'command')) return this.refused(principal, { ...facts, outcome: 'refused', detail: { reason: 'role' } }, forbidden(`a ${principal.role} cannot steer rollouts`));
    const to = nextRolloutState(rollout.state, step);
    const illegal = () => this.refused(principal, { ...facts, outcome: 'refused', detail: { reason: 'state', state: rollout.state } }, conflict(`a ${rollout.state} rollout cannot be ${ACTION_OF[step].slice('rollout.'.length)}`));
    if (to === null) return illegal();
    const reason = step === 'abort' ? `aborted by ${principal.username}` : rollout.reason;
    const entry = await this.rollouts.changeState(rolloutId, { from: [rollout.state], to, reason, at: this.clock.now().toISOString(), withdraw: step !== 'resume', requeue: step === 'pause' }, (withdrawn) =>
      this.audit.draft(principal, { ...facts, outcome: 'ok', detail: { version: rollout.version, from: rollout.state, to, withdrawn } }),
    );
    // Changed by someone else between the read and the update.
    if (!entry) return illegal();
    this.log.info({ rolloutId, step, username: principal.username }, 'rollout steered');
    await this.progress.published(rolloutId, entry);
    if (to === 'running') await this.progress.step(rolloutId);
    return (await this.detail(principal, rolloutId)).rollout;
  }

  async setTags(principal: Principal, kioskId: string, request: KioskTags): Promise<KioskTags> {
    const kiosk = await this.kiosks.findById(kioskId);
    const refused = kiosk ? refusal(principal, 'command', kiosk.municipality) : 'municipality';
    if (!kiosk || refused === 'municipality') throw notFound(`no kiosk ${kioskId}`);
    const facts = { action: 'kiosk.tags-set' as const, municipality: kiosk.municipality, kioskId };
    if (refused === 'role') return this.refused(principal, { ...facts, outcome: 'refused', detail: { reason: 'role' } }, forbidden(`a ${principal.role} cannot tag kiosks`));
    const tags = [...new Set(request.tags)].sort();
    this.audit.published(await this.tags.set(kioskId, tags, this.audit.draft(principal, { ...facts, outcome: 'ok', detail: { tags: tags.join(',') } })));
    return { tags };
  }

  async tagsOf(principal: Principal, kioskId: string): Promise<KioskTags> {
    const kiosk = await this.kiosks.findById(kioskId);
    if (!kiosk || !inScope(principal, kiosk.municipality) || !hasRole(principal, 'view')) throw notFound(`no kiosk ${kioskId}`);
    return { tags: await this.tags.of(kioskId) };
  }

  /** A rollout the principal may see; "not found" otherwise (another municipality's, or every municipality's for a municipal user). */
  private async visible(principal: Principal, rolloutId: string): Promise<RolloutRecord> {
    const rollout = await this.rollouts.find(rolloutId);
    if (!rollout || !hasRole(principal, 'view') || !inScope(principal, rollout.scopeMunicipality)) throw notFound(`no rollout ${rolloutId}`);
    return rollout;
  }

  private async refused(principal: Principal, facts: AuditFacts & { outcome: AuditDraft['outcome'] }, error: ProtocolException): Promise<never> {
    await this.audit.record(this.audit.draft(principal, facts));
    this.log.warn({ username: principal.username, action: facts.action, target: facts.target ?? null, code: error.code }, 'rollout step refused');
    throw error;
  }
}
