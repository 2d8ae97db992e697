import type { DestinationStream } from 'pino';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A pino destination that keeps the hub's JSON lines, so tests can assert what was (not) logged. */
export class LogCapture implements DestinationStream {
  readonly lines: LogLine[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line.trim() !== '') this.lines.push(JSON.parse(line) as LogLine);
  }

  find(msg: string, fields: Record<string, unknown> = {}): LogLine | undefined {
    return this.lines.find((line) => line.msg === msg && Object.entries(fields).every(([key, value]) => line[key] === value));
  }

  /** Resolves with the first line (past or future) with this message and these fields. */
  async waitFor(msg: string, fields: Record<string, unknown> = {}, timeoutMs = 5000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.find(msg, fields);
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`no log line "${msg}" ${JSON.stringify(fields)} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Every line as text, for "this secret never appears" checks. */
  text(): string {
    return this.lines.map((line) => JSON.stringify(line)).join('\n');
  }
}
