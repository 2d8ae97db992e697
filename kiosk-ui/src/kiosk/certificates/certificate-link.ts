import type {
  AgentToUiEvents,
  CertificateOrder,
  CertificatesCommandAck,
  CertificatesPinKey,
  CertificatesQuoteAck,
  CertificateViewState,
  UiToAgentEvents,
} from '@kiosk/protocols';
import type { Socket } from 'socket.io-client';
import type { ReportProblem } from '../../shared/background';
import { asLinkError, LinkError } from '../../shared/link-errors';
import { agentMessage, isResult, resultWith } from '../agent-messages';

const viewState = agentMessage<CertificateViewState>((fields) => typeof fields['screen'] === 'string');
const commandAck = agentMessage<CertificatesCommandAck>(isResult);
const quoteAck = agentMessage<CertificatesQuoteAck>(resultWith('feeYen', 'unitFeeYen', 'copies'));

type UiSocket = Socket<AgentToUiEvents, UiToAgentEvents>;

export type CertificateCommand = 'start' | 'confirm' | 'back' | 'cancel' | 'finish';

/** What the certificate screens ask of the agent (the flow controller depends on this, not on socket.io). */
export interface CertificatePort {
  /** The last view state the agent pushed (null before the first). */
  readonly latest: CertificateViewState | null;
  /** Every pushed view state; returns the unsubscribe. */
  subscribe(listener: (state: CertificateViewState) => void): () => void;
  command(command: CertificateCommand): Promise<void>;
  pinKey(key: CertificatesPinKey): Promise<void>;
  /** The agent moves to `confirm`, or stays on `choose` with a refusal; either way the push follows. */
  quote(order: CertificateOrder): Promise<CertificatesQuoteAck>;
}

/**
 * The certificate half of the kiosk's socket to its agent. The agent owns the flow and pushes one view
 * state after every change; this checks each push by shape (agent-messages.ts says why; a malformed one is
 * reported and dropped), asks for the current state after every (re)connect, and sends the person's actions as
 * acked commands, refused at once while disconnected. PIN keys pass through one at a time: nothing here
 * keeps them.
 */
export class CertificateLink implements CertificatePort {
  #latest: CertificateViewState | null = null;
  readonly #listeners = new Set<(state: CertificateViewState) => void>();

  constructor(
    private readonly socket: UiSocket,
    private readonly report: ReportProblem,
    private readonly ackTimeoutMs = 5000,
  ) {}

  get latest(): CertificateViewState | null {
    return this.#latest;
  }

  /** Wires the push and the refresh-on-connect (call before the socket connects). */
  start(): void {
    this.socket.on('certificates.state', (raw: unknown) => this.#accept(raw, 'certificates.state push'));
    this.socket.on('connect', () => this.refresh());
  }

  subscribe(listener: (state: CertificateViewState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Asks the agent for the current state (pushes sent while disconnected are lost). */
  refresh(): void {
    this.#request('certificates.state.get', (socket) => socket.emitWithAck('certificates.state.get')).then(
      (raw) => this.#accept(raw, 'certificates.state.get ack'),
      (error: unknown) => this.report('certificates.state.get', error),
    );
  }

  async command(command: CertificateCommand): Promise<void> {
    const event = `certificates.${command}` as const;
    const raw = await this.#request(event, (socket) => socket.emitWithAck(event, {}));
    this.#checkAck(event, raw);
  }

  async pinKey(key: CertificatesPinKey): Promise<void> {
    // The message names the kind of key only, never a digit: problems end up in a technician's log.
    const raw = await this.#request('certificates.pinKey', (socket) => socket.emitWithAck('certificates.pinKey', key));
    this.#checkAck('certificates.pinKey', raw);
  }

  async quote(order: CertificateOrder): Promise<CertificatesQuoteAck> {
    const raw = await this.#request('certificates.quote', (socket) => socket.emitWithAck('certificates.quote', { order }));
    const ack = quoteAck.safeParse(raw);
    if (!ack.success) throw new LinkError('malformed', 'certificates.quote: malformed ack');
    return ack.data;
  }

  #checkAck(what: string, raw: unknown): void {
    const ack = commandAck.safeParse(raw);
    if (!ack.success) throw new LinkError('malformed', `${what}: malformed ack`);
    if (!ack.data.ok) throw new LinkError('rejected', `${what}: ${ack.data.error.code}: ${ack.data.error.message}`);
  }

  async #request(what: string, emit: (socket: ReturnType<UiSocket['timeout']>) => Promise<unknown>): Promise<unknown> {
    if (!this.socket.connected) throw new LinkError('disconnected', `${what}: not connected to the agent`);
    try {
      return await emit(this.socket.timeout(this.ackTimeoutMs));
    } catch (error) {
      throw asLinkError(error, what);
    }
  }

  #accept(raw: unknown, what: string): void {
    const parsed = viewState.safeParse(raw);
    if (!parsed.success) {
      this.report(what, new LinkError('malformed', `${what}: does not match CertificateViewStateSchema`));
      return;
    }
    this.#latest = parsed.data;
    for (const listener of this.#listeners) listener(parsed.data);
  }
}
