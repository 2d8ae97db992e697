import { FailureSchema } from '@kiosk/protocols';
import type { Fetch } from './auth-client';

/**
 * Files the console downloads with the session's token: the log lines a kiosk uploaded for a
 * `logs.upload` command (`GET /api/kiosks/:kioskId/commands/:commandId/logs`: the hub checks role and
 * municipality and audits the download), and the hub's signed audit checkpoints (`GET
 * /api/audit/checkpoints`, administrators only) to keep elsewhere.
 */

export class LogDownloadError extends Error {
  override readonly name = 'LogDownloadError';
  constructor(
    readonly status: number | null,
    message: string,
  ) {
    super(message);
  }
}

export function logsPath(kioskId: string, commandId: string): string {
  return `/api/kiosks/${encodeURIComponent(kioskId)}/commands/${encodeURIComponent(commandId)}/logs`;
}

export const AUDIT_CHECKPOINTS_PATH = '/api/audit/checkpoints';
const AUDIT_CHECKPOINTS_FILE = 'audit-checkpoints.jsonl';

/** The file name the hub gives in content-disposition, or a safe one of our own. */
function attachmentName(contentDisposition: string | null, fallback: string): string {
  return /filename="([A-Za-z0-9._-]{1,200})"/.exec(contentDisposition ?? '')?.[1] ?? fallback;
}

export function downloadName(contentDisposition: string | null, kioskId: string, commandId: string): string {
  return attachmentName(contentDisposition, `kiosk-${kioskId}-logs-${commandId}.ndjson`);
}

export interface Download {
  filename: string;
  blob: Blob;
}

export function fetchKioskLogs(fetch: Fetch, token: string, kioskId: string, commandId: string, baseUrl = ''): Promise<Download> {
  return fetchDownload(fetch, token, `${baseUrl}${logsPath(kioskId, commandId)}`, 'logs', downloadName(null, kioskId, commandId));
}

/** The hub's signed audit checkpoints (JSON lines); the hub refuses anyone but an administrator. */
export function fetchAuditCheckpoints(fetch: Fetch, token: string, baseUrl = ''): Promise<Download> {
  return fetchDownload(fetch, token, `${baseUrl}${AUDIT_CHECKPOINTS_PATH}`, 'audit checkpoints', AUDIT_CHECKPOINTS_FILE);
}

/** One authorised GET of a file; a refusal or a network failure becomes a LogDownloadError naming `what`. */
async function fetchDownload(fetch: Fetch, token: string, url: string, what: string, fallbackName: string): Promise<Download> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new LogDownloadError(null, `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try {
      const failure = FailureSchema.safeParse(await response.json());
      if (failure.success) message = `${failure.data.error.code}: ${failure.data.error.message}`;
    } catch {
      // not JSON: the status says enough
    }
    throw new LogDownloadError(response.status, `${what}: ${message}`);
  }
  return { filename: attachmentName(response.headers.get('content-disposition'), fallbackName), blob: await response.blob() };
}
