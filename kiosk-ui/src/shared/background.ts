/** Where a failed fire-and-forget task is reported (the UI has no logger; see `ProblemLog`). */
export type ReportProblem = (what: string, error: unknown) => void;

/**
 * The one way to start a promise without awaiting it: failures are reported, never left unhandled.
 * Event handlers in components are synchronous, so every call to the agent or hub goes through this.
 */
export function runInBackground(what: string, task: Promise<unknown>, report: ReportProblem): void {
  task.catch((error: unknown) => report(what, error));
}

/**
 * The last few problems, kept in memory for a technician's debugger (nothing personal is ever passed
 * here: only operation names and error messages from our own code).
 */
export class ProblemLog {
  readonly #entries: { at: string; what: string; message: string }[] = [];

  constructor(private readonly limit = 20) {}

  readonly report: ReportProblem = (what, error) => {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.#entries.push({ at: new Date().toISOString(), what, message });
    if (this.#entries.length > this.limit) this.#entries.shift();
  };

  get entries(): readonly { at: string; what: string; message: string }[] {
    return this.#entries;
  }
}
