import { IppGroupTag, IppValueTag, type IppAttribute, type IppMessage } from '@kiosk/devices';
import { completedJobs } from './cups-jobs';

const int = (name: string, value: number): IppAttribute => ({ name, tag: IppValueTag.integer, values: [value] });
const job = (...attributes: IppAttribute[]) => ({ tag: IppGroupTag.job, attributes });

function answer(...groups: IppMessage['groups']): IppMessage {
  return { version: 0x0200, code: 0, requestId: 1, groups: [{ tag: IppGroupTag.operation, attributes: [] }, ...groups], data: Buffer.alloc(0) };
}

describe('completedJobs', () => {
  it('lists completed jobs newest first, with the pages CUPS counted', () => {
    const documents = completedJobs(
      answer(
        job(int('job-id', 3), { name: 'job-state', tag: IppValueTag.enum, values: [9] }, int('time-at-completed', 1_764_118_800), int('job-impressions-completed', 2)),
        job(int('job-id', 4), { name: 'job-state', tag: IppValueTag.enum, values: [9] }, int('time-at-completed', 1_764_118_860), int('job-impressions-completed', 0)),
      ),
      new Set([3]),
    );
    expect(documents).toEqual([
      { jobId: 4, printedAt: '2025-11-26T01:01:00.000Z', pages: 1, inTray: false },
      { jobId: 3, printedAt: '2025-11-26T01:00:00.000Z', pages: 2, inTray: true },
    ]);
  });

  it('skips jobs that are not completed or lack what the panel needs', () => {
    const state = (value: number): IppAttribute => ({ name: 'job-state', tag: IppValueTag.enum, values: [value] });
    expect(
      completedJobs(
        answer(
          job(int('job-id', 1), state(8), int('time-at-completed', 1_764_118_800)),
          job(int('job-id', 2), state(9)),
          job(state(9), int('time-at-completed', 1_764_118_800)),
          job({ name: 'job-id', tag: IppValueTag.text, values: ['5'] }, state(9), int('time-at-completed', 1_764_118_800)),
        ),
      ),
    ).toEqual([]);
  });
});
