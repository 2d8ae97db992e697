import { FailureSchema } from '@kiosk/protocols';
import type { Fetch } from './auth-client';

/**
 * Downloading the log lines a kiosk uploaded for a `logs.upload` command (`GET
 * /api/kiosks/:kioskId/commands/:commandId/logs`, with the session's token: the hub checks role and
 * municipality and audits the download).
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

/** The file name the hub gives in content-disposition, or a safe one of our own. */
export function downloadName(contentDisposition: string | null, kioskId: string, commandId: string): string {
  const named = /filename="([A-Za-z0-9._-]{1,200})"/.exec(contentDisposition ?? '')?.[1];
  return named ?? `kiosk-${kioskId}-logs-${commandId}.ndjson`;
}

export async function fetchKioskLogs(
  fetch: Fetch,
  token: string,
  kioskId: string,
  commandId: string,
  baseUrl = '',
): Promise<{ filename: string; blob: Blob }> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${logsPath(kioskId, commandId)}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new LogDownloadError(null, `logs: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try {
      const failure = FailureSchema.safeParse(await response.json());
      if (failure.success) message = `${failure.data.error.code}: ${failure.data.error.message}`;
    } catch {
      // not JSON: the status says enough
    }
    throw new LogDownloadError(response.status, `logs: ${message}`);
  }
  return { filename: downloadName(response.headers.get('content-disposition'), kioskId, commandId), blob: await response.blob() };
}
