import type { Logger } from '../logger';
import type { Outbox } from '../store/outbox';
import type { PrintJobHistory } from './print-job-history';

export type SessionEndReason = 'done' | 'cancelled' | 'idle-timeout' | 'replaced' | 'agent-stopped' | 'screen-lost';

/**
 * The last of a certificate session, once its personal data is dropped from memory: the print system's
 * copies of its jobs are purged (and the demo tray's paper taken), and `session.wiped` goes to the hub
 * with how many were purged, so an auditor sees every session's data gone.
 */
export async function purgeAndRecordWipe(
  deps: { printJobs: PrintJobHistory | null; outbox: Outbox; logger: Logger },
  wiped: { sessionId: string; reason: SessionEndReason; printJobs: number[] },
): Promise<void> {
  const { sessionId, reason } = wiped;
  let purged = 0;
  for (const jobId of wiped.printJobs) {
    try {
      if (deps.printJobs && (await deps.printJobs.purge(jobId))) purged += 1;
    } catch (error) {
      deps.logger.error({ err: error, jobId }, 'could not purge a print job');
    }
  }
  deps.outbox.enqueue({ type: 'session.wiped', payload: { sessionId, service: 'certificates', reason, printJobsPurged: purged } });
  deps.logger.info({ sessionId, reason, printJobsPurged: purged }, 'certificate session wiped');
}
