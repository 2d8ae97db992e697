import { addDays, CertificateServiceClient, CertificateServiceError, jstDay, jstInstant } from './certificate-service';

describe('the certificate service client', () => {
  const calls: { input: string; init: RequestInit | undefined }[] = [];
  const answer = (status: number, body: unknown) => {
    const fetch = (input: string, init?: RequestInit) => {
      calls.push({ input, init });
      return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
    };
    return new CertificateServiceClient(fetch, 'session-token');
  };

  beforeEach(() => calls.splice(0));

  it('cancels with DELETE and the day in the query, with the session token, and parses the answer', async () => {
    const change = { municipality: '豊中市', day: '2026-11-26', kioskId: null, scheduled: false, changed: true };
    expect(await answer(200, change).cancel('豊中市', '2026-11-26')).toEqual(change);
    expect(calls[0]?.input).toBe('/api/certificates/maintenance-days?municipality=%E8%B1%8A%E4%B8%AD%E5%B8%82&day=2026-11-26');
    expect(calls[0]?.init).toMatchObject({ method: 'DELETE', headers: { authorization: 'Bearer session-token' } });
  });

  it('names one kiosk when the day is for that kiosk only', async () => {
    const change = { municipality: '豊中市', day: '2026-11-26', kioskId: 'kiosk-one', scheduled: true, changed: true };
    expect(await answer(201, change).schedule('豊中市', '2026-11-26', 'kiosk-one')).toEqual(change);
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({ municipality: '豊中市', day: '2026-11-26', kioskId: 'kiosk-one' });
    await answer(200, { ...change, scheduled: false }).cancel('豊中市', '2026-11-26', 'kiosk-one');
    expect(calls[1]?.input).toBe('/api/certificates/maintenance-days?municipality=%E8%B1%8A%E4%B8%AD%E5%B8%82&day=2026-11-26&kioskId=kiosk-one');
  });

  it('turns a refusal into an error with its status and the hub’s message', async () => {
    const refused = answer(403, { ok: false, error: { code: 'forbidden', message: 'a technician cannot schedule maintenance days' } }).schedule('豊中市', '2026-11-26');
    await expect(refused).rejects.toEqual(new CertificateServiceError(403, 'a technician cannot schedule maintenance days'));
  });

  it('refuses an answer that does not match its schema', async () => {
    await expect(answer(200, { municipalities: [{ municipality: '豊中市' }] }).fees()).rejects.toThrow();
  });

  it('counts days and times in Japan whatever the browser’s zone', () => {
    expect(jstDay(new Date('2026-11-25T15:00:00Z'))).toBe('2026-11-26');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(jstInstant('2026-12-28', '22:59:59')).toBe('2026-12-28T13:59:59.000Z');
    expect(jstInstant('2026-12-29', '06:30')).toBe('2026-12-28T21:30:00.000Z');
    expect(jstInstant('2026-12-29', '')).toBeNull();
  });
});
