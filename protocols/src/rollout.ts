import { z } from 'zod';
import { InstantSchema, KioskIdSchema } from './common';
import { ReleaseVersionSchema } from './release';
import { UpdateReportStateSchema } from './update';

/**
 * Staged rollouts of agent releases (issue 19), as the console and REST see them: a release assigned to
 * a group of kiosks (a municipality, a site, or a tag), in stages that each cover a number or a
 * percentage of the group (cumulative: "1, then 10 %, then 100 %"), each advancing only once its kiosks
 * have run the release and reported healthy for the stage's `healthySeconds`.
 */

/** A kiosk label technicians set to group kiosks for rollouts (`pilot`, `floor-2`). */
export const KioskTagSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,31}$/, 'tag: 1-32 of a-z, 0-9, ., _, -');
export const KioskTagsSchema = z.strictObject({ tags: z.array(KioskTagSchema).max(16) });
export type KioskTags = z.infer<typeof KioskTagsSchema>;

export const RolloutTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('municipality'), municipality: z.string().min(1).max(50) }),
  z.strictObject({ kind: z.literal('site'), municipality: z.string().min(1).max(50), site: z.string().min(1).max(100) }),
  /** Kiosks with the tag (within the creator's municipality when they have one). */
  z.strictObject({ kind: z.literal('tag'), tag: KioskTagSchema }),
]);
export type RolloutTarget = z.infer<typeof RolloutTargetSchema>;

export const MAX_ROLLOUT_STAGES = 10;
export const MAX_HEALTHY_SECONDS = 7 * 24 * 60 * 60;

/** A stage: how much of the group it reaches by its end (`kiosks` or `percent`, not both), and for how long they must stay healthy. */
export const RolloutStageSpecSchema = z
  .strictObject({
    kiosks: z.int().min(1).max(100_000).optional(),
    percent: z.int().min(1).max(100).optional(),
    healthySeconds: z.int().min(0).max(MAX_HEALTHY_SECONDS),
  })
  .refine((stage) => (stage.kiosks === undefined) !== (stage.percent === undefined), 'a stage has either kiosks or percent');
export type RolloutStageSpec = z.infer<typeof RolloutStageSpecSchema>;

export const CreateRolloutRequestSchema = z
  .strictObject({
    version: ReleaseVersionSchema,
    target: RolloutTargetSchema,
    stages: z.array(RolloutStageSpecSchema).min(1).max(MAX_ROLLOUT_STAGES),
  })
  .refine((request) => request.stages.at(-1)?.percent === 100, { message: 'the last stage reaches the whole group: percent 100', path: ['stages'] });
export type CreateRolloutRequest = z.infer<typeof CreateRolloutRequestSchema>;

/** running → paused → running; running | paused → halted (a kiosk failed or rolled back) | aborted; halted → aborted; running → completed. */
export const RolloutStateSchema = z.enum(['running', 'paused', 'aborted', 'halted', 'completed']);
export type RolloutState = z.infer<typeof RolloutStateSchema>;

/** Technicians pause, resume and abort; the hub halts, advances and completes. */
export type RolloutAction = 'pause' | 'resume' | 'abort' | 'halt' | 'advance' | 'complete';

/**
 * The state an action leads to, or null when it may not be taken now (the hub's rule, and what the
 * console offers). A halted rollout is not resumed (its failed kiosk would never report healthy): it
 * is aborted, and a fixed release rolled out anew.
 */
export function nextRolloutState(current: RolloutState, action: RolloutAction): RolloutState | null {
  switch (action) {
    case 'pause':
      return current === 'running' ? 'paused' : null;
    case 'resume':
      return current === 'paused' ? 'running' : null;
    case 'abort':
      return current === 'running' || current === 'paused' || current === 'halted' ? 'aborted' : null;
    case 'halt':
      return current === 'running' || current === 'paused' ? 'halted' : null;
    case 'advance':
      return current === 'running' ? 'running' : null;
    case 'complete':
      return current === 'running' ? 'completed' : null;
  }
}

/** A kiosk's update in a rollout: `pending` until its stage starts, `offered` once the command is queued, then what its agent reported. */
export const RolloutKioskStateSchema = z.enum(['pending', 'offered', ...UpdateReportStateSchema.options]);
export type RolloutKioskState = z.infer<typeof RolloutKioskStateSchema>;

export const RolloutKioskViewSchema = z.strictObject({
  rolloutId: z.uuidv7(),
  kioskId: KioskIdSchema,
  municipality: z.string(),
  stage: z.int().nonnegative(),
  state: RolloutKioskStateSchema,
  /** The version the kiosk's last hello named (null before its first). */
  agentVersion: z.string().nullable(),
  downloadedBytes: z.int().nonnegative().nullable(),
  detail: z.string().nullable(),
  offeredAt: InstantSchema.nullable(),
  updatedAt: InstantSchema.nullable(),
  /** Since when it has reported healthy while running the release (the stage's clock). */
  healthySince: InstantSchema.nullable(),
});
export type RolloutKioskView = z.infer<typeof RolloutKioskViewSchema>;

export const RolloutStageViewSchema = z.strictObject({
  index: z.int().nonnegative(),
  spec: RolloutStageSpecSchema,
  /** How many kiosks of the group this stage itself adds. */
  kiosks: z.int().nonnegative(),
  healthy: z.int().nonnegative(),
});
export type RolloutStageView = z.infer<typeof RolloutStageViewSchema>;

export const RolloutSummarySchema = z.strictObject({
  rolloutId: z.uuidv7(),
  version: ReleaseVersionSchema,
  target: RolloutTargetSchema,
  state: RolloutStateSchema,
  currentStage: z.int().nonnegative(),
  stages: z.array(RolloutStageViewSchema),
  createdAt: InstantSchema,
  createdBy: z.string(),
  updatedAt: InstantSchema,
  /** Why it halted or who aborted it. */
  reason: z.string().nullable(),
});
export type RolloutSummary = z.infer<typeof RolloutSummarySchema>;

export const RolloutListSchema = z.strictObject({ rollouts: z.array(RolloutSummarySchema) });
export type RolloutList = z.infer<typeof RolloutListSchema>;

export const RolloutDetailSchema = z.strictObject({ rollout: RolloutSummarySchema, kiosks: z.array(RolloutKioskViewSchema) });
export type RolloutDetail = z.infer<typeof RolloutDetailSchema>;
