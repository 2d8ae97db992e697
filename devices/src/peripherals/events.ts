import { describeError, silentLogger, type PeripheralLogger } from './logger';

/**
 * A set of listeners for one kind of event. Unlike EventEmitter, a listener that throws is logged and the
 * others still run: a bug in the agent's handler must never stop a driver's poll loop or a serial read.
 */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(
    private readonly what: string,
    private readonly logger: PeripheralLogger = silentLogger,
  ) {}

  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.logger.error({ event: this.what, err: describeError(error) }, 'event listener failed');
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
