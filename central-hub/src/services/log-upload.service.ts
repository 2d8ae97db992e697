import { Inject, Injectable } from '@nestjs/common';
import { failure, type LogChunk, type SimpleAck } from '@kiosk/protocols';
import { forbidden, notFound } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { COMMAND_REPOSITORY, type CommandRepository } from '../repositories/command.repository';
import { KIOSK_REPOSITORY, type KioskRecord, type KioskRepository } from '../repositories/kiosk.repository';
import { LOG_UPLOAD_REPOSITORY, type LogChunkRecord, type LogUploadRepository } from '../repositories/log-upload.repository';
import { refusal, type Principal, type Refusal } from './access.rules';
import { AuditService } from './audit.service';

/** What a technician downloads: the uploaded lines (NDJSON, one agent log line each) and whether all arrived. */
export interface LogDownload {
  filename: string;
  body: string;
  lines: number;
  /** Every chunk from 0 to the final one is here. */
  complete: boolean;
}

/** Pure: whether the chunks (index order) run from 0 to a final one without a gap. */
export function uploadComplete(chunks: readonly Pick<LogChunkRecord, 'index' | 'final'>[]): boolean {
  return chunks.length > 0 && chunks.every((chunk, i) => chunk.index === i) && chunks.at(-1)?.final === true;
}

/**
 * `logs.upload`: kiosks send their recent log lines for a command in chunks on `/agent` (accepted only
 * for a `logs.upload` command of that same kiosk that is still running), and technicians who may send
 * commands to the kiosk download them (audited either way). The lines were redacted on the kiosk.
 */
@Injectable()
export class LogUploadService {
  private readonly log: Logger;

  constructor(
    @Inject(LOG_UPLOAD_REPOSITORY) private readonly uploads: LogUploadRepository,
    @Inject(COMMAND_REPOSITORY) private readonly commands: CommandRepository,
    @Inject(KIOSK_REPOSITORY) private readonly kiosks: KioskRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'log-upload' });
  }

  async receiveChunk(kioskId: string, chunk: LogChunk): Promise<SimpleAck> {
    const record = await this.commands.findById(chunk.commandId);
    // Another kiosk's command is as unknown as a missing one.
    if (!record || record.kioskId !== kioskId) return failure('not_found', `no command ${chunk.commandId} for this kiosk`);
    if (record.command.type !== 'logs.upload') return failure('conflict', `command ${chunk.commandId} is not a logs.upload`);
    if (record.status !== 'queued' && record.status !== 'delivered') {
      return failure('conflict', `command ${chunk.commandId} is already ${record.status}`);
    }
    const earlier = await this.uploads.chunks(chunk.commandId);
    const finalAt = earlier.find((stored) => stored.final)?.index;
    if (finalAt !== undefined && chunk.index > finalAt) return failure('conflict', `chunk ${chunk.index} comes after the final chunk ${finalAt}`);
    const stored = await this.uploads.addChunk(chunk.commandId, chunk, this.clock.now().toISOString());
    this.log.info({ kioskId, commandId: chunk.commandId, index: chunk.index, lines: chunk.lines.length, final: chunk.final, stored }, 'log chunk received');
    return { ok: true };
  }

  async download(principal: Principal, kioskId: string, commandId: string): Promise<LogDownload> {
    const kiosk = await this.kiosks.findById(kioskId);
    if (!kiosk) throw notFound(`no kiosk ${kioskId}`);
    const refused = refusal(principal, 'command', kiosk.municipality);
    if (refused) {
      await this.refuse(principal, kiosk, commandId, refused);
      throw refused === 'municipality' ? notFound(`no kiosk ${kioskId}`) : forbidden(`a ${principal.role} cannot download kiosk logs`);
    }
    const record = await this.commands.findById(commandId);
    if (!record || record.kioskId !== kioskId || record.command.type !== 'logs.upload') throw notFound(`no logs.upload command ${commandId} for kiosk ${kioskId}`);
    const chunks = await this.uploads.chunks(commandId);
    if (chunks.length === 0) throw notFound(`kiosk ${kioskId} has not uploaded logs for command ${commandId}`);
    const lines = chunks.flatMap((chunk) => chunk.lines);
    const complete = uploadComplete(chunks);
    await this.audit.record(
      this.audit.draft(principal, {
        action: 'logs.downloaded',
        outcome: 'ok',
        municipality: kiosk.municipality,
        kioskId,
        target: commandId,
        detail: { lines: lines.length, complete },
      }),
    );
    this.log.info({ kioskId, commandId, username: principal.username, lines: lines.length, complete }, 'kiosk logs downloaded');
    return {
      filename: `kiosk-${kioskId}-logs-${commandId}.ndjson`,
      body: lines.length === 0 ? '' : `${lines.join('\n')}\n`,
      lines: lines.length,
      complete,
    };
  }

  /** Uploads past the telemetry retention go with it. */
  prune(before: string): Promise<number> {
    return this.uploads.prune(before);
  }

  private async refuse(principal: Principal, kiosk: KioskRecord, commandId: string, reason: Refusal): Promise<void> {
    this.log.warn({ username: principal.username, kioskId: kiosk.kioskId, reason }, 'log download refused');
    await this.audit.record(
      this.audit.draft(principal, {
        action: 'logs.downloaded',
        outcome: 'refused',
        municipality: kiosk.municipality,
        kioskId: kiosk.kioskId,
        target: commandId,
        detail: { reason, role: principal.role },
      }),
    );
  }
}
