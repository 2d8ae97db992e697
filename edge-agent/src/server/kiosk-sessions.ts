import { v7 as uuidv7 } from 'uuid';
import {
  SessionBeginSchema,
  SessionEndSchema,
  failure,
  parseMessage,
  type Language,
  type Service,
  type SessionBeginAck,
  type SessionEnd,
  type SessionEndAck,
} from '@kiosk/protocols';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { AgentState } from '../status/agent-state';

/**
 * Why a session ended, told with the change so every feature hears it from one place: the screen's own
 * `session.end` reason, or `screen-lost` when the screen's socket that began it dropped.
 */
export type ScreenEndReason = SessionEnd['reason'] | 'screen-lost';

/** Hears a session begin or end; `ended`: the screen's reason when it ended one (null on a begin). */
export type SessionListener = (session: CurrentSession | null, ended: ScreenEndReason | null) => void;

/** The session as the rest of the agent sees it (devices, cash). */
export interface CurrentSession {
  sessionId: string;
  service: Service;
}

interface ActiveSession {
  sessionId: string;
  service: Service;
  language: Language;
  startedAt: Date;
}

/**
 * One person's session at the kiosk screen (which service, which language). It holds nothing personal;
 * flows (certificates, lottery) will hang their state off the session id.
 */
export class KioskSessions {
  private active: ActiveSession | null = null;
  private readonly listeners = new Set<SessionListener>();

  constructor(
    private readonly state: AgentState,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly newId: () => string = uuidv7,
  ) {}

  begin(input: unknown): SessionBeginAck {
    const parsed = parseMessage(SessionBeginSchema, input, 'session.begin');
    if (!parsed.ok) return parsed;
    if (this.state.isOutOfService()) {
      return failure('out_of_service', 'this kiosk is out of service; no session can begin until a technician puts it back in service');
    }
    if (this.active) this.logger.info({ sessionId: this.active.sessionId }, 'session replaced by a new one');
    const session: ActiveSession = { sessionId: this.newId(), ...parsed.value, startedAt: this.clock.now() };
    this.active = session;
    this.logger.info({ sessionId: session.sessionId, service: session.service, language: session.language }, 'session began');
    this.changed(null);
    return { ok: true, sessionId: session.sessionId };
  }

  end(input: unknown): SessionEndAck {
    const parsed = parseMessage(SessionEndSchema, input, 'session.end');
    if (!parsed.ok) return parsed;
    this.endActive(parsed.value.reason);
    return { ok: true };
  }

  /**
   * The screen that began session `sessionId` is gone (its socket dropped: page reloaded, browser crashed):
   * nobody can finish that session on it, so it ends as the idle timeout would. A flow with money
   * committed refuses the end and runs to its end screen (completed or refunded), then finishes itself.
   */
  screenLost(sessionId: string): void {
    if (this.active?.sessionId === sessionId) this.endActive('screen-lost');
  }

  private endActive(reason: ScreenEndReason): void {
    if (!this.active) return;
    const seconds = (this.clock.now().getTime() - this.active.startedAt.getTime()) / 1000;
    this.logger.info({ sessionId: this.active.sessionId, reason, seconds }, 'session ended');
    this.active = null;
    this.changed(reason);
  }

  current(): CurrentSession | null {
    return this.active ? { sessionId: this.active.sessionId, service: this.active.service } : null;
  }

  /**
   * Hears every begin (also a replacing one) and end, an end with the screen's reason: the one
   * `session.end` handler (ui-namespace.ts) reaches every feature through here. Returns the unsubscribe.
   */
  onChange(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(ended: ScreenEndReason | null): void {
    const session = this.current();
    for (const listener of [...this.listeners]) listener(session, ended);
  }
}
