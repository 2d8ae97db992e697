import type { Fetch } from './auth-client';
import { command, telemetryPoint } from './spec-fixtures';
import { commandRequest, hasLogDownload, InvalidCommandError, LOG_UPLOAD_MINUTES } from './commands';
import { downloadName, fetchAuditCheckpoints, fetchKioskLogs, LogDownloadError, logsPath } from './logs-download';
import { activitySeries } from './telemetry';

const KIOSK = '01890a5d-ac96-774b-bcce-b302099a8057';
const COMMAND = '01890a5d-ac96-774b-bcce-b302099a8058';

describe('maintenance commands in the console', () => {
  it('builds logs.upload and agent.restart requests the hub accepts, and refuses an out-of-range period', () => {
    for (const minutes of LOG_UPLOAD_MINUTES) {
      expect(commandRequest(KIOSK, { type: 'logs.upload', params: { minutes } })).toEqual({ kioskId: KIOSK, type: 'logs.upload', params: { minutes } });
    }
    expect(commandRequest(KIOSK, { type: 'agent.restart', params: {} })).toEqual({ kioskId: KIOSK, type: 'agent.restart', params: {} });
    expect(() => commandRequest(KIOSK, { type: 'logs.upload', params: { minutes: 61 } })).toThrow(InvalidCommandError);
  });

  it('offers a download for a succeeded log upload only', () => {
    expect(hasLogDownload(command(1, { type: 'logs.upload', status: 'succeeded' }))).toBe(true);
    expect(hasLogDownload(command(1, { type: 'logs.upload', status: 'delivered' }))).toBe(false);
    expect(hasLogDownload(command(1, { type: 'logs.upload', status: 'failed' }))).toBe(false);
    expect(hasLogDownload(command(1, { type: 'agent.restart', status: 'succeeded' }))).toBe(false);
  });
});

describe('activity charts', () => {
  const activity = (n: number, cashBox: { coins: number; valueYen: number } | null) => ({
    windowSeconds: 3600,
    cardReads: n,
    receiptPrints: n * 2,
    documentPrints: n * 3,
    transactions: n + 1,
    cashBox,
  });
  const points = [
    telemetryPoint('2024-06-01T12:00:00Z'),
    telemetryPoint('2024-06-01T12:01:00Z', { activity: activity(1, { coins: 3, valueYen: 700 }) }),
    telemetryPoint('2024-06-01T12:02:00Z', { activity: activity(2, null) }),
  ];

  it('charts each count from the heartbeats that carry one', () => {
    const at = (minute: number) => Date.parse(`2024-06-01T12:0${minute}:00Z`);
    expect(activitySeries(points, 'cardReads')).toEqual([
      { t: at(1), v: 1 },
      { t: at(2), v: 2 },
    ]);
    expect(activitySeries(points, 'documentPrints').map((p) => p.v)).toEqual([3, 6]);
    expect(activitySeries(points, 'transactions').map((p) => p.v)).toEqual([2, 3]);
    expect(activitySeries(points, 'cashBoxValue')).toEqual([{ t: at(1), v: 700 }]);
    expect(activitySeries(points, 'cashBoxCoins')).toEqual([{ t: at(1), v: 3 }]);
    expect(activitySeries([telemetryPoint('2024-06-01T12:00:00Z')], 'receiptPrints')).toEqual([]);
  });
});

describe('log download', () => {
  const seen: { url: string; authorization: string | null }[] = [];
  /** The hub's answers, as a fetch: the logs for the good token, its refusal otherwise. */
  const hub: Fetch = (input, init) => {
    const authorization = new Headers(init?.headers).get('authorization');
    seen.push({ url: input, authorization });
    if (authorization !== 'Bearer good') {
      return Promise.resolve(
        new Response(JSON.stringify({ ok: false, error: { code: 'not_found', message: 'no kiosk' } }), {
          status: 404,
          headers: { 'content-type': 'application/json' },
        }),
      );
    }
    return Promise.resolve(
      new Response('{"msg":"a"}\n{"msg":"b"}\n', {
        status: 200,
        headers: { 'content-type': 'application/x-ndjson', 'content-disposition': 'attachment; filename="kiosk-k-logs-c.ndjson"' },
      }),
    );
  };

  it('fetches with the session token and names the file as the hub says', async () => {
    const { filename, blob } = await fetchKioskLogs(hub, 'good', KIOSK, COMMAND, 'http://hub.test');
    expect(filename).toBe('kiosk-k-logs-c.ndjson');
    expect(await blob.text()).toBe('{"msg":"a"}\n{"msg":"b"}\n');
    expect(seen.at(-1)).toEqual({ url: `http://hub.test${logsPath(KIOSK, COMMAND)}`, authorization: 'Bearer good' });
  });

  it("turns the hub's refusal into a LogDownloadError with its status, and a network failure into one without", async () => {
    await expect(fetchKioskLogs(hub, 'other', KIOSK, COMMAND)).rejects.toEqual(new LogDownloadError(404, 'logs: not_found: no kiosk'));
    const offline: Fetch = () => Promise.reject(new TypeError('fetch failed'));
    await expect(fetchKioskLogs(offline, 'good', KIOSK, COMMAND)).rejects.toEqual(new LogDownloadError(null, 'logs: fetch failed'));
  });

  it('falls back to a safe file name', () => {
    expect(downloadName(null, 'k', 'c')).toBe('kiosk-k-logs-c.ndjson');
    expect(downloadName('attachment; filename="../../etc/passwd"', 'k', 'c')).toBe('kiosk-k-logs-c.ndjson');
  });
});

describe('audit checkpoint download (issue 17)', () => {
  const seen: { url: string; authorization: string | null }[] = [];
  /** The hub's answers: the checkpoints for an administrator's token, 403 for anyone else. */
  const hub: Fetch = (input, init) => {
    const authorization = new Headers(init?.headers).get('authorization');
    seen.push({ url: input, authorization });
    if (authorization !== 'Bearer admin') {
      return Promise.resolve(
        new Response(JSON.stringify({ ok: false, error: { code: 'forbidden', message: 'administrators only' } }), {
          status: 403,
          headers: { 'content-type': 'application/json' },
        }),
      );
    }
    return Promise.resolve(
      new Response('{"seq":100,"signature":"…"}\n', {
        status: 200,
        headers: { 'content-type': 'application/x-ndjson', 'content-disposition': 'attachment; filename="audit-checkpoints.jsonl"' },
      }),
    );
  };

  it("fetches GET /api/audit/checkpoints with the session's token and names the file as the hub says", async () => {
    const { filename, blob } = await fetchAuditCheckpoints(hub, 'admin', 'http://hub.test');
    expect(filename).toBe('audit-checkpoints.jsonl');
    expect(await blob.text()).toBe('{"seq":100,"signature":"…"}\n');
    expect(seen.at(-1)).toEqual({ url: 'http://hub.test/api/audit/checkpoints', authorization: 'Bearer admin' });
  });

  it("turns the hub's refusal of a non-administrator into an error with its status", async () => {
    await expect(fetchAuditCheckpoints(hub, 'viewer')).rejects.toEqual(new LogDownloadError(403, 'audit checkpoints: forbidden: administrators only'));
  });
});
