import { IppClient, IppOperation, IppStatusError, IppValueTag } from '@kiosk/devices';

/** Forgets printed jobs: a certificate's job (its spooled PDF and its history entry) must not outlive the session. */
export interface PrintJobHistory {
  /** Removes the job and its files from the print system; resolves false when it was already gone. */
  purge(jobId: number): Promise<boolean>;
}

/**
 * The demo's A4 output tray (the virtual printer's PDFs, `PaperTray` of the devices package): paper a
 * session left there is taken away at its wipe, as a real kiosk's tray would be emptied by the person.
 */
export interface PaperTray {
  /** Removes the job's paper; resolves false when there was none. */
  take(jobId: number): Promise<boolean>;
}

/**
 * CUPS: Cancel-Job with `purge-job` (a CUPS extension of RFC 8011) removes a job, completed or not, with
 * its spooled document and control file, from the queue's history (PreserveJobFiles/History keep them
 * otherwise). With the demo's tray, the job's paper (the PDF CUPS-PDF wrote) goes too, even if CUPS fails.
 */
export class CupsJobHistory implements PrintJobHistory {
  private readonly client: IppClient;

  constructor(
    printerUri: string,
    private readonly tray: PaperTray | null = null,
  ) {
    this.client = new IppClient(printerUri);
  }

  async purge(jobId: number): Promise<boolean> {
    let trayError: unknown = null;
    if (this.tray) await this.tray.take(jobId).catch((error: unknown) => (trayError = error));
    const purged = await this.purgeJob(jobId);
    if (trayError !== null) throw trayError instanceof Error ? trayError : new Error(String(trayError));
    return purged;
  }

  private async purgeJob(jobId: number): Promise<boolean> {
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
