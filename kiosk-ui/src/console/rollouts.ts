import {
  CreateRolloutRequestSchema,
  FailureSchema,
  ReleaseListSchema,
  RolloutDetailSchema,
  RolloutListSchema,
  RolloutStageSpecSchema,
  RolloutSummarySchema,
  nextRolloutState,
  type CreateRolloutRequest,
  type ReleaseSummary,
  type RolloutDetail,
  type RolloutStageSpec,
  type RolloutState,
  type RolloutSummary,
  type RolloutTarget,
} from '@kiosk/protocols';
import type { Fetch } from './auth-client';

/**
 * The rollout page's REST routes (central-hub README "Rollouts") and the rules of its form: answers
 * parsed with their protocol schemas, a refusal a `RolloutError` with the HTTP status and the hub's
 * message (409: the state does not allow it, or a kiosk is already in a rollout).
 */
export class RolloutError extends Error {
  override readonly name = 'RolloutError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type RolloutStep = 'pause' | 'resume' | 'abort';

export class RolloutsClient {
  constructor(
    private readonly fetch: Fetch,
    private readonly token: string,
  ) {}

  async releases(): Promise<ReleaseSummary[]> {
    return ReleaseListSchema.parse(await this.send('GET', '/api/releases')).releases;
  }

  async list(): Promise<RolloutSummary[]> {
    return RolloutListSchema.parse(await this.send('GET', '/api/rollouts')).rollouts;
  }

  async detail(rolloutId: string): Promise<RolloutDetail> {
    return RolloutDetailSchema.parse(await this.send('GET', `/api/rollouts/${encodeURIComponent(rolloutId)}`));
  }

  async create(request: CreateRolloutRequest): Promise<RolloutDetail> {
    return RolloutDetailSchema.parse(await this.send('POST', '/api/rollouts', request));
  }

  async steer(rolloutId: string, step: RolloutStep): Promise<RolloutSummary> {
    return RolloutSummarySchema.parse(await this.send('POST', `/api/rollouts/${encodeURIComponent(rolloutId)}/${step}`));
  }

  private async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const answer: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const failure = FailureSchema.safeParse(answer);
      throw new RolloutError(response.status, failure.success ? failure.data.error.message : `HTTP ${response.status}`);
    }
    return answer;
  }
}

/** The steps a rollout in `state` may take now (the hub's own rule). */
export function allowedSteps(state: RolloutState): Record<RolloutStep, boolean> {
  return { pause: nextRolloutState(state, 'pause') !== null, resume: nextRolloutState(state, 'resume') !== null, abort: nextRolloutState(state, 'abort') !== null };
}

/**
 * Stages as a technician types them: "1, 10%, 100%" (a number of kiosks, or a percentage of the
 * group, each reached by the end of its stage), every stage with the same healthy time. Full-width
 * digits and ％ are read too. Null when a part is neither.
 */
export function parseStages(typed: string, healthySeconds: number): RolloutStageSpec[] | null {
  const parts = typed
    .replace(/[０-９]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0xfee0))
    .replace(/[％]/g, '%')
    .split(/[,、，\s]+/)
    .filter((part) => part !== '');
  if (parts.length === 0) return null;
  const stages: RolloutStageSpec[] = [];
  for (const part of parts) {
    const match = /^(\d{1,6})(%?)$/.exec(part);
    if (!match) return null;
    const value = Number(match[1]);
    const parsed = RolloutStageSpecSchema.safeParse(match[2] === '%' ? { percent: value, healthySeconds } : { kiosks: value, healthySeconds });
    if (!parsed.success) return null;
    stages.push(parsed.data);
  }
  return stages;
}

/** What the rollout form holds, as typed. */
export interface RolloutForm {
  version: string;
  kind: RolloutTarget['kind'];
  municipality: string;
  site: string;
  tag: string;
  stages: string;
  healthyMinutes: string;
}

/** The request from the form, or null when something typed cannot be one (the last stage must be 100 %). */
export function rolloutDraft(form: RolloutForm): CreateRolloutRequest | null {
  const minutes = /^\d{1,5}$/.test(form.healthyMinutes.trim()) ? Number(form.healthyMinutes.trim()) : null;
  if (minutes === null) return null;
  const stages = parseStages(form.stages, minutes * 60);
  if (stages === null) return null;
  const municipality = form.municipality.trim();
  const target =
    form.kind === 'municipality' ? { kind: form.kind, municipality } : form.kind === 'site' ? { kind: form.kind, municipality, site: form.site.trim() } : { kind: form.kind, tag: form.tag.trim() };
  const parsed = CreateRolloutRequestSchema.safeParse({ version: form.version, target, stages });
  return parsed.success ? parsed.data : null;
}

/** "豊中市", "豊中市 / 豊中市役所", "#pilot": a group in one line. */
export function groupText(target: RolloutTarget): string {
  if (target.kind === 'municipality') return target.municipality;
  if (target.kind === 'site') return `${target.municipality} / ${target.site}`;
  return `#${target.tag}`;
}

/** "1", "10%": a stage's reach as typed. */
export function stageText(spec: RolloutStageSpec): string {
  return spec.percent === undefined ? String(spec.kiosks ?? 0) : `${spec.percent}%`;
}
