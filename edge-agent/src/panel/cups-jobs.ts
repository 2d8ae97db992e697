import { IppClient, IppGroupTag, IppJobState, IppValueTag, type IppMessage } from '@kiosk/devices';
import type { PrintedDocument as PanelDocument } from '@kiosk/protocols';

/** RFC 8011 Get-Jobs (the devices package's client names only the operations its driver uses). */
const GET_JOBS = 0x000a;

/**
 * Pure: the completed jobs in a Get-Jobs answer, newest first. A job's pages are the impressions CUPS
 * counted; a completed job always printed at least one page, so a queue that does not count (0 or absent)
 * shows 1. `inTray`: the jobs whose paper still lies in the output tray.
 */
export function completedJobs(answer: IppMessage, inTray: ReadonlySet<number> = new Set()): PanelDocument[] {
  const documents: PanelDocument[] = [];
  for (const group of answer.groups) {
    if (group.tag !== IppGroupTag.job) continue;
    const value = (name: string) => group.attributes.find((attribute) => attribute.name === name)?.values[0];
    const jobId = value('job-id');
    const state = value('job-state');
    const completedAt = value('time-at-completed');
    const impressions = value('job-impressions-completed');
    if (typeof jobId !== 'number' || jobId < 1 || state !== IppJobState.completed || typeof completedAt !== 'number' || completedAt <= 0) continue;
    documents.push({
      jobId,
      printedAt: new Date(completedAt * 1000).toISOString(),
      pages: typeof impressions === 'number' && impressions > 0 ? Math.min(impressions, 1000) : 1,
      inTray: inTray.has(jobId),
    });
  }
  return documents.sort((a, b) => b.printedAt.localeCompare(a.printedAt) || b.jobId - a.jobId);
}

/** The output tray as the panel needs it: which jobs' paper lies there. */
export interface TrayView {
  contents(): Promise<ReadonlyArray<{ jobId: number }>>;
}

/** Asks a CUPS queue which jobs it completed and the tray which of them are still there (the demo's private CUPS; the panel lists them). */
export class CupsCompletedJobs {
  private readonly client: IppClient;

  constructor(
    printerUri: string,
    private readonly tray: TrayView | null = null,
  ) {
    this.client = new IppClient(printerUri);
  }

  async list(): Promise<PanelDocument[]> {
    const inTray = new Set((await (this.tray?.contents() ?? Promise.resolve([]))).map((document) => document.jobId));
    const answer = await this.client.call(GET_JOBS, 'Get-Jobs', [
      { name: 'which-jobs', tag: IppValueTag.keyword, values: ['completed'] },
      { name: 'requested-attributes', tag: IppValueTag.keyword, values: ['job-id', 'job-state', 'time-at-completed', 'job-impressions-completed'] },
    ]);
    return completedJobs(answer, inTray);
  }
}
