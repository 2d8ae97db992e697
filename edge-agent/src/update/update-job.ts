import { rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AgentUpdateParamsSchema } from '@kiosk/protocols';
import { readIfExists, writeAtomically } from './install-state';

/**
 * The update this kiosk is working on (issue 19), in the agent's data directory (not the release's, so
 * it outlives the switch): `<data dir>/update/job.json` beside the partial artefact. The phase says
 * where a restarted agent picks it up: `downloading` (resume from the bytes on disk), `installed` (wait
 * for idle, then switch), `switched` (the new version reports healthy, or the old one reports the
 * rollback).
 */
export const UpdateJobSchema = z.strictObject({
  params: AgentUpdateParamsSchema,
  phase: z.enum(['downloading', 'installed', 'switched']),
  /** Times the whole artefact was fetched again after its SHA-256 did not match. */
  restarts: z.int().min(0),
});
export type UpdateJob = z.infer<typeof UpdateJobSchema>;

export class UpdateJobFile {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'update');
  }

  get file(): string {
    return path.join(this.dir, 'job.json');
  }

  partialFile(version: string): string {
    return path.join(this.dir, `${version}.partial`);
  }

  read(): UpdateJob | null {
    const text = readIfExists(this.file);
    if (text === null) return null;
    const parsed = UpdateJobSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  }

  write(job: UpdateJob): void {
    writeAtomically(this.file, `${JSON.stringify(job)}\n`, 0o600);
  }

  /** The job and its partial artefact are gone (done, refused, or replaced by another offer). */
  clear(job: UpdateJob | null): void {
    if (job) rmSync(this.partialFile(job.params.version), { force: true });
    rmSync(this.file, { force: true });
  }
}
