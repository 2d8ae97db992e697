import { Inject, Injectable } from '@nestjs/common';
import { CommandReceiptSchema, HubCommandSchema, parseMessage, type AuditEntry, type CommandView, type HubCommand } from '@kiosk/protocols';
import {
  DEFAULT_COMMAND_TTL_SECONDS,
  toCommandView,
  type CreateCommandRequest,
  type CreateCommandResponse,
} from '../dtos/command.dto';
import { badRequest, forbidden, notFound } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { COMMAND_REPOSITORY, type CommandRecord, type CommandRepository } from '../repositories/command.repository';
import { KIOSK_REPOSITORY, type KioskRecord, type KioskRepository } from '../repositories/kiosk.repository';
import { METRICS, type Metrics } from '../repositories/metrics.repository';
import { RANDOM, type Random } from '../repositories/random.repository';
import { WebsocketRepository } from '../repositories/websocket.repository';
import { inScope, refusal, type Principal, type Refusal } from './access.rules';
import { AuditService } from './audit.service';
import { runInBackground } from './background';

/** How long the hub waits for an agent's receipt before leaving the command queued for next time. */
export const COMMAND_RECEIPT_TIMEOUT_MS = 10_000;
const LIST_LIMIT = 200;

/**
 * Remote commands, tracked like a delivery: persisted first (with who sent it, audited), then
 * delivered whenever the kiosk is (or comes) online, and marked delivered only on the agent's receipt.
 * A command is never sent again once delivered, nor at all once expired (the sweep marks those); the
 * agent dedups by command id if a receipt was lost and the command comes again. Results arrive as
 * `command.result` outbox events (IngestService).
 */
@Injectable()
export class CommandService {
  private readonly log: Logger;
  /** Commands being sent right now, so a hello and a new command cannot send one twice at once. */
  private readonly inFlight = new Set<string>();

  constructor(
    @Inject(COMMAND_REPOSITORY) private readonly commands: CommandRepository,
    @Inject(KIOSK_REPOSITORY) private readonly kiosks: KioskRepository,
    @Inject(WebsocketRepository) private readonly sockets: WebsocketRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'commands' });
  }

  /**
   * Queues a command. A kiosk outside the principal's municipality is "not found"; a viewer is
   * refused. Both refusals are audited: someone tried to act on a kiosk they may not act on.
   */
  async create(principal: Principal, kioskId: string, request: CreateCommandRequest): Promise<CreateCommandResponse> {
    const kiosk = await this.kiosks.findById(kioskId);
    if (!kiosk) throw notFound(`no kiosk ${kioskId}`);
    const refused = refusal(principal, 'command', kiosk.municipality);
    if (refused) {
      await this.refuse(principal, kiosk, request, refused);
      throw refused === 'municipality' ? notFound(`no kiosk ${kioskId}`) : forbidden(`a ${principal.role} cannot send commands`);
    }

    // An update is offered by a rollout (its stages, its audit trail), never sent to one kiosk by hand.
    if (request.type === 'agent.update') throw badRequest('invalid_message', 'agent.update is sent by rollouts only (POST /api/rollouts)');
    const now = this.clock.now();
    const ttlMs = (request.ttlSeconds ?? DEFAULT_COMMAND_TTL_SECONDS) * 1000;
    const parsed = parseMessage(
      HubCommandSchema,
      {
        commandId: this.random.uuidv7(now),
        issuedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
        type: request.type,
        params: request.params,
      },
      'command',
    );
    if (!parsed.ok) throw badRequest('invalid_message', parsed.error.message, parsed.error.issues);
    const command = parsed.value;
    const entry = await this.commands.insert(
      kioskId,
      command,
      principal.username,
      this.audit.draft(principal, {
        action: 'command.sent',
        outcome: 'ok',
        municipality: kiosk.municipality,
        kioskId,
        target: command.commandId,
        detail: { type: command.type, expiresAt: command.expiresAt },
      }),
    );
    this.audit.published(entry);
    this.metrics.commandQueued();
    this.log.info({ kioskId, commandId: command.commandId, type: command.type, username: principal.username }, 'command queued');
    const queued: CommandRecord = {
      kioskId,
      municipality: kiosk.municipality,
      command,
      issuedBy: principal.username,
      status: 'queued',
      deliveredAt: null,
      completedAt: null,
      detail: null,
    };
    this.sockets.publishCommand(toCommandView(queued), kiosk.municipality);
    if (await this.sockets.isConnected(kioskId)) {
      runInBackground(this.log, 'deliver commands', () => this.deliverPending(kioskId));
    }
    return { commandId: command.commandId };
  }

  async list(principal: Principal, kioskId: string): Promise<CommandView[]> {
    const kiosk = await this.kiosks.findById(kioskId);
    if (!kiosk || !inScope(principal, kiosk.municipality)) throw notFound(`no kiosk ${kioskId}`);
    await this.expireDue();
    return (await this.commands.listForKiosk(kioskId, LIST_LIMIT)).map(toCommandView);
  }

  /** Sweep: marks queued commands past their expiry `expired` (audited, pushed). */
  async expireDue(): Promise<void> {
    const expired = await this.commands.expireDue(this.clock.now().toISOString(), (record) =>
      this.audit.systemDraft(
        { actor: 'hub', actorKind: 'system' },
        {
          action: 'command.expired',
          outcome: 'ok',
          municipality: record.municipality,
          kioskId: record.kioskId,
          target: record.command.commandId,
          detail: { type: record.command.type, expiresAt: record.command.expiresAt },
        },
      ),
    );
    for (const { record, entry } of expired) {
      this.log.info({ kioskId: record.kioskId, commandId: record.command.commandId }, 'command expired undelivered');
      this.published(record, entry);
    }
  }

  /** After `command.result` events completed commands (their audit rows are already written). */
  async completed(commandIds: readonly string[], entries: readonly AuditEntry[]): Promise<void> {
    this.audit.published(...entries);
    for (const commandId of commandIds) {
      const record = await this.commands.findById(commandId);
      if (!record) continue;
      this.log.info({ kioskId: record.kioskId, commandId, status: record.status }, 'command completed');
      this.published(record, undefined);
    }
  }

  /** Sends the kiosk every queued, unexpired command, oldest first, one at a time. */
  async deliverPending(kioskId: string): Promise<void> {
    await this.expireDue();
    const kiosk = await this.kiosks.findById(kioskId);
    if (!kiosk) return;
    for (const command of await this.commands.pendingForKiosk(kioskId, this.clock.now().toISOString())) {
      if (!(await this.sockets.isConnected(kioskId))) return;
      await this.deliver(kiosk, command);
    }
  }

  private async deliver({ kioskId, municipality }: KioskRecord, command: HubCommand): Promise<void> {
    const { commandId } = command;
    if (this.inFlight.has(commandId)) return;
    this.inFlight.add(commandId);
    try {
      let raw: unknown;
      try {
        raw = await this.sockets.sendCommand(kioskId, command, COMMAND_RECEIPT_TIMEOUT_MS);
      } catch (error) {
        this.log.warn({ kioskId, commandId, reason: error instanceof Error ? error.message : 'unknown' }, 'command not delivered; stays queued');
        return;
      }
      const receipt = CommandReceiptSchema.safeParse(raw);
      const at = this.clock.now().toISOString();
      const facts = { municipality, kioskId, target: commandId };
      const kioskActor = { actor: `kiosk:${kioskId}`, actorKind: 'kiosk' as const };
      if (!receipt.success) {
        this.log.warn({ kioskId, commandId }, 'malformed command receipt; command stays queued');
      } else if (receipt.data.ok) {
        const entry = await this.commands.markDelivered(
          commandId,
          at,
          this.audit.systemDraft(kioskActor, { ...facts, action: 'command.delivered', outcome: 'ok', detail: { type: command.type, duplicate: receipt.data.duplicate } }),
        );
        this.log.info({ kioskId, commandId, duplicate: receipt.data.duplicate }, 'command delivered');
        if (entry) await this.publishedById(commandId, entry);
      } else if (receipt.data.error.code === 'invalid_message') {
        // The agent cannot parse it: sending it again would fail again.
        const entry = await this.commands.markRefused(
          commandId,
          at,
          receipt.data.error.message,
          this.audit.systemDraft(kioskActor, { ...facts, action: 'command.failed', outcome: 'ok', detail: { type: command.type, reason: 'refused by agent' } }),
        );
        this.log.warn({ kioskId, commandId, code: receipt.data.error.code }, 'command refused by agent');
        if (entry) await this.publishedById(commandId, entry);
      } else {
        this.log.warn({ kioskId, commandId, code: receipt.data.error.code }, 'agent could not record command; stays queued');
      }
    } finally {
      this.inFlight.delete(commandId);
    }
  }

  private async refuse(principal: Principal, kiosk: KioskRecord, request: CreateCommandRequest, reason: Refusal): Promise<void> {
    this.log.warn({ username: principal.username, kioskId: kiosk.kioskId, reason, code: reason === 'role' ? 'forbidden' : 'not_found' }, 'command refused');
    await this.audit.record(
      this.audit.draft(principal, {
        action: 'command.sent',
        outcome: 'refused',
        municipality: kiosk.municipality,
        kioskId: kiosk.kioskId,
        detail: { type: request.type.slice(0, 64), reason, role: principal.role },
      }),
    );
  }

  private async publishedById(commandId: string, entry: AuditEntry): Promise<void> {
    const record = await this.commands.findById(commandId);
    if (record) this.published(record, entry);
  }

  private published(record: CommandRecord, entry: AuditEntry | undefined): void {
    this.audit.published(entry);
    this.sockets.publishCommand(toCommandView(record), record.municipality);
  }
}
