import { IppClient, IppOperation, IppStatusError, IppValueTag } from '@kiosk/devices';

/** Forgets printed jobs: a certificate's job (its spooled PDF and its history entry) must not outlive the session. */
export interface PrintJobHistory {
  /** Removes the job and its files from the print system; resolves false when it was already gone. */
  purge(jobId: number): Promise<boolean>;
}

/**
 * CUPS: Cancel-Job with `purge-job` (a CUPS extension of RFC 8011) removes a job, completed or not, with
 * its spooled document and control file, from the queue's history (PreserveJobFiles/History keep them
 * otherwise).
 */
export class CupsJobHistory implements PrintJobHistory {
  private readonly client: IppClient;

  constructor(printerUri: string) {
    this.client = new IppClient(printerUri);
  }

  async purge(jobId: number): Promise<boolean> {
    try {
      await this.client.call(IppOperation.cancelJob, 'Cancel-Job', [
        { name: 'job-id', tag: IppValueTag.integer, values: [jobId] },
        { name: 'purge-job', tag: IppValueTag.boolean, values: [true] },
      ]);
      return true;
    } catch (error) {
      // client-error-not-found: already purged (a second wipe, or CUPS dropped it).
      if (error instanceof IppStatusError && error.statusCode === 0x0406) return false;
      throw error;
    }
  }
}
