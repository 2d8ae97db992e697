import type { PanelCommandName, PanelCommandPayload } from '@kiosk/protocols';
import type { ReportProblem } from '../shared/background';
import type { PanelPort } from './panel-link';
import { parseScanInput, toFailure, type CommandOutcome, type PanelFailure } from './panel-model';

/** Where the last command's outcome goes; the Svelte store implements it with `$state`, tests with an array. */
export interface OutcomeSink {
  outcome(outcome: CommandOutcome): void;
}

/**
 * Runs the panel's commands: click handlers are synchronous, so each command is sent in the background
 * and its outcome, success or failure, is handed to the sink for the person to see. Failures are also
 * reported to the problem log (operation names and our own messages only: never a key or a number).
 */
export class PanelController {
  #seq = 0;

  constructor(
    private readonly port: PanelPort,
    private readonly sink: OutcomeSink,
    private readonly report: ReportProblem,
  ) {}

  send<C extends PanelCommandName>(name: C, payload: PanelCommandPayload<C>): void {
    this.port.command(name, payload).then(
      () => this.#settle(name, null),
      (error: unknown) => {
        this.report(name, error);
        this.#settle(name, toFailure(error));
      },
    );
  }

  /**
   * The scan box: a number that is not 8 digits is refused here with a message and never sent.
   * Returns whether it was sent.
   */
  scan(input: string): boolean {
    const parsed = parseScanInput(input);
    if (!parsed.ok) {
      this.#settle('panel.scanner.scan', { kind: 'invalid-barcode' });
      return false;
    }
    this.send('panel.scanner.scan', { barcode: parsed.barcode });
    return true;
  }

  #settle(command: PanelCommandName, failure: PanelFailure | null): void {
    this.#seq += 1;
    this.sink.outcome(failure === null ? { seq: this.#seq, command, ok: true } : { seq: this.#seq, command, ok: false, failure });
  }
}
