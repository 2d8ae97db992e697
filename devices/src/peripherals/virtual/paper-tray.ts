import { promises as fs } from 'node:fs';
import path from 'node:path';

/** A document in the virtual A4 printer's output tray: the PDF CUPS-PDF wrote for a job. */
export interface TrayDocument {
  jobId: number;
  file: string;
}

/** CUPS-PDF names its output `<title>-job_<id>.pdf` (Label 2, the CUPS-PDF PPD's default). */
const JOB_FILE = /-job_(\d+)\.pdf$/;

/**
 * The virtual A4 printer's output tray: a directory only this process's user can enter (0700), where the
 * private CUPS's CUPS-PDF queue writes each job's PDF (0600). A file there is paper lying in the tray: it
 * holds whatever the certificate says (names, birth dates), so it is taken away (deleted) when the person
 * takes it or when the session is wiped, and the tray starts empty.
 */
export class PaperTray {
  constructor(readonly dir: string) {}

  /** Creates the tray (0700, also tightened if it already existed) and throws away what an earlier run left. */
  async prepare(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await fs.chmod(this.dir, 0o700);
    await this.empty();
  }

  /** What lies in the tray, by CUPS job id (files CUPS-PDF did not name after a job are left out). */
  async contents(): Promise<TrayDocument[]> {
    const documents: TrayDocument[] = [];
    for (const name of await this.names()) {
      const match = JOB_FILE.exec(name);
      if (match) documents.push({ jobId: Number(match[1]), file: path.join(this.dir, name) });
    }
    return documents.sort((a, b) => a.jobId - b.jobId);
  }

  /** The PDF of a job whose title (the IPP job name) starts with `jobName`, if it is in the tray. */
  async find(jobName: string, jobId: number): Promise<string | undefined> {
    const name = (await this.names()).find((candidate) => candidate.startsWith(jobName) && candidate.endsWith(`-job_${jobId}.pdf`));
    return name ? path.join(this.dir, name) : undefined;
  }

  /** Takes a job's paper out of the tray (deletes its PDF); false when there was none. */
  async take(jobId: number): Promise<boolean> {
    const taken = (await this.contents()).filter((document) => document.jobId === jobId);
    await Promise.all(taken.map((document) => fs.rm(document.file, { force: true })));
    return taken.length > 0;
  }

  /** Deletes everything in the tray. */
  async empty(): Promise<void> {
    await Promise.all((await this.names()).map((name) => fs.rm(path.join(this.dir, name), { recursive: true, force: true })));
  }

  private async names(): Promise<string[]> {
    try {
      return await fs.readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
}
