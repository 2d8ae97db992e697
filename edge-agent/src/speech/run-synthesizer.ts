import { spawn } from 'node:child_process';

/** Runs a synthesizer with the script on stdin (never in argv, where `ps` shows it). */
export type RunSynthesizer = (command: string, args: readonly string[], stdin: string, timeoutMs: number) => Promise<void>;

/** Longest a synthesizer may take for one script before it is killed. */
export const SYNTHESIS_TIMEOUT_MS = 20_000;

export class SynthesizerError extends Error {
  constructor(
    readonly command: string,
    readonly reason: 'exit' | 'timeout' | 'spawn',
    detail: string,
  ) {
    super(`${command} failed (${reason}): ${detail}`);
    this.name = 'SynthesizerError';
  }
}

/** The real child process: no shell, stdout ignored, stderr kept short for the error (it never echoes the text). */
export const runSynthesizer: RunSynthesizer = (command, args, stdin, timeoutMs) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['pipe', 'ignore', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 500) stderr += chunk;
    });
    child.once('error', (error) => reject(new SynthesizerError(command, 'spawn', error.message)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else if (signal === 'SIGKILL') reject(new SynthesizerError(command, 'timeout', `killed after ${timeoutMs} ms`));
      else reject(new SynthesizerError(command, 'exit', `exit ${code ?? signal ?? '?'}: ${stderr.slice(0, 200).trim()}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin, 'utf8');
  });
