import { Inject, Injectable } from '@nestjs/common';
import { CommandReceiptSchema, HubCommandSchema, parseMessage, type HubCommand } from '@kiosk/protocols';
import {
  DEFAULT_COMMAND_TTL_SECONDS,
  type CommandView,
  type CreateCommandRequest,
  type CreateCommandResponse,
} from '../dtos/command.dto';
import { badRequest, notFound } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { COMMAND_REPOSITORY, type CommandRepository } from '../repositories/command.repository';
import { KIOSK_REPOSITORY, type KioskRepository } from '../repositories/kiosk.repository';
import { RANDOM, type Random } from '../repositories/random.repository';
import { WebsocketRepository } from '../repositories/websocket.repository';
import { runInBackground } from './background';

/** How long the hub waits for an agent's receipt before leaving the command queued for next time. */
export const COMMAND_RECEIPT_TIMEOUT_MS = 10_000;

/**
 * Remote commands: persisted first, then delivered whenever the kiosk is (or comes) online, and marked
 * delivered only on the agent's receipt. A command is never sent again once delivered, nor at all once
 * expired; the agent dedups by command id if a receipt was lost and the command comes again.
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
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'commands' });
  }

  async create(kioskId: string, request: CreateCommandRequest): Promise<CreateCommandResponse> {
    if (!(await this.kiosks.findById(kioskId))) throw notFound(`no kiosk ${kioskId}`);

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
    await this.commands.insert(kioskId, command);
    this.log.info({ kioskId, commandId: command.commandId, type: command.type }, 'command queued');
    if (this.sockets.isOnline(kioskId)) {
      runInBackground(this.log, 'deliver commands', () => this.deliverPending(kioskId));
    }
    return { commandId: command.commandId };
  }

  async list(kioskId: string): Promise<CommandView[]> {
    if (!(await this.kiosks.findById(kioskId))) throw notFound(`no kiosk ${kioskId}`);
    await this.commands.expireDue(this.clock.now().toISOString());
    const records = await this.commands.listForKiosk(kioskId);
    return records.map(({ command, status, deliveredAt, completedAt, detail }) => ({
      ...command,
      status,
      deliveredAt,
      completedAt,
      detail,
    }));
  }

  /** Sends the kiosk every queued, unexpired command, oldest first, one at a time. */
  async deliverPending(kioskId: string): Promise<void> {
    const now = this.clock.now().toISOString();
    await this.commands.expireDue(now);
    for (const command of await this.commands.pendingForKiosk(kioskId, now)) {
      if (!this.sockets.isOnline(kioskId)) return;
      await this.deliver(kioskId, command);
    }
  }

  private async deliver(kioskId: string, command: HubCommand): Promise<void> {
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
      if (!receipt.success) {
        this.log.warn({ kioskId, commandId }, 'malformed command receipt; command stays queued');
      } else if (receipt.data.ok) {
        await this.commands.markDelivered(commandId, at);
        this.log.info({ kioskId, commandId, duplicate: receipt.data.duplicate }, 'command delivered');
      } else if (receipt.data.error.code === 'invalid_message') {
        // The agent cannot parse it: sending it again would fail again.
        await this.commands.markRefused(commandId, at, receipt.data.error.message);
        this.log.warn({ kioskId, commandId, code: receipt.data.error.code }, 'command refused by agent');
      } else {
        this.log.warn({ kioskId, commandId, code: receipt.data.error.code }, 'agent could not record command; stays queued');
      }
    } finally {
      this.inFlight.delete(commandId);
    }
  }
}
