import type { AgentToUiEvents, LotteryUiAck, LotteryUiPayload, LotteryUiRequest, LotteryUiState, UiToAgentEvents } from '@kiosk/protocols';
import type { Socket } from 'socket.io-client';
import type { ReportProblem } from '../../shared/background';
import { asLinkError, LinkError } from '../../shared/link-errors';
import { agentMessage, isResult } from '../agent-messages';

const lotteryState = agentMessage<LotteryUiState>((fields) => typeof fields['stage'] === 'string');

type UiSocket = Socket<AgentToUiEvents, UiToAgentEvents>;
type Emitter = { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };

/** What the lottery screens ask of the agent (components depend on this, not on socket.io). */
export interface LotteryPort {
  readonly latest: LotteryUiState | null;
  subscribe(listener: (state: LotteryUiState) => void): () => void;
  /** One request; the answer (an ok value or the agent's refusal) is checked by shape (agent-messages.ts). */
  request<R extends LotteryUiRequest>(event: R, payload: LotteryUiPayload<R>): Promise<LotteryUiAck<R>>;
}

/**
 * The lottery half of the kiosk's socket to its agent: `lottery.state` pushes (checked by shape, as
 * agent-messages.ts says why; a malformed one is reported and dropped), a state request after every
 * (re)connect, and the requests, refused at once while
 * disconnected. PIN keys pass through one at a time and are not kept; nothing here logs a payload.
 */
export class LotteryLink implements LotteryPort {
  #latest: LotteryUiState | null = null;
  readonly #listeners = new Set<(state: LotteryUiState) => void>();

  constructor(
    private readonly socket: UiSocket,
    private readonly report: ReportProblem,
    /** Entries and bookings wait for the receipt to print; the agent answers within its own timeouts. */
    private readonly ackTimeoutMs = 30_000,
  ) {}

  get latest(): LotteryUiState | null {
    return this.#latest;
  }

  start(): void {
    this.socket.on('lottery.state', (raw: unknown) => this.#accept(raw, 'lottery.state push'));
    this.socket.on('connect', () => this.refresh());
  }

  subscribe(listener: (state: LotteryUiState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  refresh(): void {
    this.#emit('lottery.state.get', []).then(
      (raw) => this.#accept(raw, 'lottery.state.get ack'),
      (error: unknown) => this.report('lottery.state.get', error),
    );
  }

  async request<R extends LotteryUiRequest>(event: R, payload: LotteryUiPayload<R>): Promise<LotteryUiAck<R>> {
    const raw = await this.#emit(event, [payload]);
    const parsed = agentMessage<LotteryUiAck<R>>(isResult).safeParse(raw);
    if (!parsed.success) throw new LinkError('malformed', `${event}: malformed ack`);
    return parsed.data;
  }

  async #emit(what: string, args: unknown[]): Promise<unknown> {
    if (!this.socket.connected) throw new LinkError('disconnected', `${what}: not connected to the agent`);
    try {
      return await (this.socket.timeout(this.ackTimeoutMs) as unknown as Emitter).emitWithAck(what, ...args);
    } catch (error) {
      throw asLinkError(error, what);
    }
  }

  #accept(raw: unknown, what: string): void {
    const parsed = lotteryState.safeParse(raw);
    if (!parsed.success) {
      this.report(what, new LinkError('malformed', `${what}: does not match LotteryUiStateSchema`));
      return;
    }
    this.#latest = parsed.data;
    for (const listener of this.#listeners) listener(parsed.data);
  }
}
