import type { DatabaseConfig } from '../config';
import type { Logger } from '../logger';
import { PostgresJobLeadership } from './postgres-job-leadership';

/**
 * Work that must run once in the whole hub, however many hub processes share its database (issue 14):
 * each is led by one process at a time. Work every process does for its own sockets (checking live
 * consoles, pushing to them) is not here.
 */
export type LeaderJob = 'fleet-sweep' | 'telemetry-prune' | 'lottery' | 'audit-checkpoint';

export interface JobLeadership {
  /**
   * True when no other process can run on this database (SQLite): nothing another process did needs
   * catching up on. False on PostgreSQL, where the jobs pass from process to process.
   */
  readonly alone: boolean;
  /**
   * Whether this process leads `job` now; when no process does, this one takes the lead. Asked before
   * every run of the job, so a process that does not lead tries again at the job's next run: when the
   * leader dies, another leads within one interval of the job. Never throws (a failure is "not leading").
   */
  leads(job: LeaderJob): Promise<boolean>;
  /** Gives up every job (another process may take them at once); later `leads` answer false. */
  close(): Promise<void>;
}
/** Nest token of the process's JobLeadership (StorageModule). */
export const JOB_LEADERSHIP = 'JobLeadership';

/** Embedded SQLite: one hub process per database file, so it leads every job. */
export class SoleLeadership implements JobLeadership {
  readonly alone = true;
  private closed = false;

  leads(): Promise<boolean> {
    return Promise.resolve(!this.closed);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/** The leadership that fits the configured engine. */
export function openJobLeadership(database: DatabaseConfig, log: Logger): JobLeadership {
  return database.engine === 'postgres' ? PostgresJobLeadership.forConfig(database, log) : new SoleLeadership();
}
