import { backoffDelay, type BackoffPolicy } from '../sync/backoff';
import { sleep } from '../clock';
import type { Logger } from '../logger';
import { EnrolmentError, enrolWithHub, type FetchLike } from './enrolment';
import { PendingKeyFile, type Identity, type IdentityFile } from './identity-file';
import { generateKioskKeyPair } from './kiosk-keys';

export class NotEnrolledError extends Error {
  readonly code = 'not_enrolled';
}

export interface EnsureIdentityDeps {
  file: IdentityFile;
  enrolmentCode: string | null;
  /** The hub, or the hubs of HUB_URL's list: each retry asks the next one (issue 14). */
  hubUrl: string | readonly string[];
  fetch: FetchLike;
  backoff: BackoffPolicy;
  logger: Logger;
  random?: () => number;
  /** Aborting stops waiting for an unreachable hub (shutdown during first start). */
  signal?: AbortSignal;
  /** Test-only fault injection: called once the hub redeemed the code, before the identity is saved. */
  redeemed?: () => void;
}

/**
 * The identity on file, or a new one: an Ed25519 key pair generated here and saved (0600) before it is
 * sent, enrolled with the one-time code, then saved as the identity. An agent killed between the hub's
 * redemption and that save finds its pending key at the next start and presents it again with the same
 * code: the hub answers the same key and code with the same kiosk id (issue 15), so neither the key nor
 * the code is lost. An unreachable hub is waited for (the run script may start us first); a refused or
 * missing code is fatal, because only a person with a new code can fix it.
 */
export async function ensureIdentity(deps: EnsureIdentityDeps): Promise<Identity> {
  const existing = deps.file.load();
  if (existing) {
    if (deps.enrolmentCode) deps.logger.info({ kioskId: existing.kioskId }, 'already enrolled; AGENT_ENROLMENT_CODE ignored');
    return existing;
  }
  if (!deps.enrolmentCode) {
    throw new NotEnrolledError(
      `no identity at ${deps.file.file} and no AGENT_ENROLMENT_CODE: create an enrolment code on the hub and start the agent with it`,
    );
  }
  const pending = PendingKeyFile.besides(deps.file);
  let keys = pending.load();
  if (keys) {
    deps.logger.info('enrolment: presenting the key of an enrolment that did not finish');
  } else {
    keys = generateKioskKeyPair();
    pending.save(keys);
  }
  const hubs = typeof deps.hubUrl === 'string' ? [deps.hubUrl] : deps.hubUrl;
  for (let attempt = 1; ; attempt++) {
    try {
      const hubUrl = hubs[(attempt - 1) % hubs.length];
      if (hubUrl === undefined) throw new Error('no hub to enrol with');
      const kioskId = await enrolWithHub(deps.fetch, hubUrl, { code: deps.enrolmentCode, publicKey: keys.publicKeySpkiBase64 }, deps.signal);
      deps.redeemed?.();
      const identity: Identity = { kioskId, ...keys };
      deps.file.save(identity);
      pending.remove();
      deps.logger.info({ kioskId }, 'enrolled with the hub');
      return identity;
    } catch (error) {
      if (!(error instanceof EnrolmentError) || !error.retryable || deps.signal?.aborted) throw error;
      const delay = backoffDelay(attempt, deps.backoff, deps.random ?? Math.random);
      deps.logger.warn({ attempt, retryInMs: delay, reason: error.message }, 'enrolment: hub not reachable yet, retrying');
      await sleep(delay, deps.signal);
    }
  }
}
