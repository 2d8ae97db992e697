import { Inject, Injectable } from '@nestjs/common';
import type { AuditEntry, AuditPage, AuditPageQuery } from '@kiosk/protocols';
import { forbidden } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { AUDIT_REPOSITORY, type AuditRepository } from '../repositories/audit.repository';
import type { AuditDraft } from '../repositories/audit.sql';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { WebsocketRepository } from '../repositories/websocket.repository';
import { hasRole, type Principal } from './access.rules';
import type { AuditDetail } from './audit-chain.rules';
import { AuditCheckpointService } from './audit-checkpoint.service';

export const DEFAULT_AUDIT_PAGE = 50;

export interface AuditFacts {
  action: AuditDraft['action'];
  outcome: AuditDraft['outcome'];
  municipality: string | null;
  kioskId?: string | null;
  target?: string | null;
  detail?: AuditDetail;
}

/** The actor columns of an audit row for a principal. */
export function actorOf(principal: Principal): Pick<AuditDraft, 'actor' | 'actorKind'> {
  return { actor: principal.username, actorKind: principal.kind === 'token' ? 'token' : 'user' };
}

/** The row `actor` would write for `facts` at `at`. */
export function auditDraftOf(actor: Pick<AuditDraft, 'actor' | 'actorKind'>, facts: AuditFacts, at: Date): AuditDraft {
  return {
    at: at.toISOString(),
    ...actor,
    action: facts.action,
    outcome: facts.outcome,
    municipality: facts.municipality,
    kioskId: facts.kioskId ?? null,
    target: facts.target ?? null,
    detail: facts.detail ?? {},
  };
}

/** What a service needs of the audit trail to record what it did (AuditService, or a store's own trail in tests). */
export type AuditRecorder = Pick<AuditService, 'draft' | 'record'>;

/**
 * The audit trail: who did what, when, with what outcome. Rows are written by the repositories in the
 * same transaction as the change they describe whenever there is one (commands, alerts, enrolment,
 * accounts), and here for what changes nothing else (logins, refusals). Administrators see new rows
 * live.
 */
@Injectable()
export class AuditService {
  private readonly log: Logger;

  constructor(
    @Inject(AUDIT_REPOSITORY) private readonly audit: AuditRepository,
    @Inject(WebsocketRepository) private readonly sockets: WebsocketRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AuditCheckpointService) private readonly checkpoints: AuditCheckpointService,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'audit' });
  }

  /** A row about what `principal` did, stamped now. */
  draft(principal: Principal, facts: AuditFacts): AuditDraft {
    return this.systemDraft(actorOf(principal), facts);
  }

  systemDraft(actor: Pick<AuditDraft, 'actor' | 'actorKind'>, facts: AuditFacts): AuditDraft {
    return auditDraftOf(actor, facts, this.clock.now());
  }

  async record(draft: AuditDraft): Promise<AuditEntry> {
    const entry = await this.audit.append(draft);
    this.published(entry);
    return entry;
  }

  /** Pushes rows a repository wrote (in its own transaction) to the administrators' consoles. */
  published(...entries: (AuditEntry | undefined)[]): void {
    for (const entry of entries) {
      if (!entry) continue;
      this.log.debug({ seq: entry.seq, action: entry.action, outcome: entry.outcome }, 'audit row written');
      this.sockets.publishAudit(entry);
      this.checkpoints.appended(entry.seq);
    }
  }

  /** The signed checkpoints this hub process exported (`audit-checkpoints.jsonl`), for administrators. */
  checkpointExport(principal: Principal): { checkpoints: string; publicKeyPem: string } {
    // Heads and signatures only (no row's content): every administrator may keep a copy.
    if (!hasRole(principal, 'read-audit')) throw forbidden('only administrators may download the audit checkpoints');
    return this.checkpoints.exported();
  }

  /** Newest first; an administrator of one municipality sees that municipality's rows. */
  async page(principal: Principal, query: AuditPageQuery): Promise<AuditPage> {
    if (!hasRole(principal, 'read-audit')) throw forbidden('only administrators may read the audit trail');
    const limit = query.limit ?? DEFAULT_AUDIT_PAGE;
    const entries = await this.audit.page({ before: query.before, limit, municipality: principal.municipality });
    const last = entries.at(-1);
    return { entries, nextBefore: entries.length === limit && last && last.seq > 1 ? last.seq : null };
  }
}
