import { Injectable } from '@nestjs/common';

/** The hub's own process, behind a class so the fault-injection rule can be tested without dying. */
export interface ProcessControl {
  /** Dies at once, like a power cut: no shutdown hooks, no flush, no ack. */
  killHard(): void;
}
export const PROCESS_CONTROL = 'ProcessControl';

@Injectable()
export class NodeProcessControl implements ProcessControl {
  killHard(): void {
    process.kill(process.pid, 'SIGKILL');
  }
}
