/**
 * Kiosk identity against a real hub: enrolment with a one-time code, then Ed25519-signed handshakes with
 * a timestamp window and a replay check. Every refusal reaches the client as `err.data` (a Failure)
 * and is logged with the kiosk id and code, never with the signature, nonce or enrolment code.
 */
import { generateKeyPairSync } from 'node:crypto';
import { EnrolmentCodeResponseSchema, HelloAckSchema, PROTOCOL_VERSION } from '@kiosk/protocols';
import { TestHub } from './support/test-hub';
import { connectAgent, enrolKiosk, signedAuth, spki, type AgentClientSocket, type EnrolledKiosk } from './support/agent-client';

describe('agent handshake', () => {
  let hub: TestHub;
  let kiosk: EnrolledKiosk;
  const sockets: AgentClientSocket[] = [];

  beforeAll(async () => {
    hub = await TestHub.start();
    kiosk = await enrolKiosk(hub);
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await hub.close();
  });

  async function attempt(auth: unknown): Promise<string | null> {
    const { socket, refusal } = await connectAgent(hub.url, auth);
    sockets.push(socket);
    return refusal?.code ?? null;
  }

  function refusalLogged(code: string, kioskId?: string): boolean {
    return hub.logs.find('agent handshake refused', kioskId ? { code, kioskId } : { code }) !== undefined;
  }

  it('accepts a fresh handshake signed with the enrolled key, and answers hello', async () => {
    const { socket, refusal } = await connectAgent(hub.url, signedAuth(kiosk.kioskId, kiosk.privateKey));
    sockets.push(socket);
    expect(refusal).toBeNull();
    const ack = HelloAckSchema.parse(await socket.timeout(5000).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '0.1.0' }));
    expect(ack).toEqual({ ok: true, kioskId: kiosk.kioskId, ackedThroughSeq: 0, serverTime: expect.any(String) as string });
  });

  it('refuses an unknown kiosk as it refuses a wrong key (a stranger learns no kiosk id: issue 15), and logs why', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    expect(await attempt(signedAuth('kiosk-nobody00', privateKey))).toBe('bad_signature');
    expect(hub.logs.find('agent handshake refused', { code: 'bad_signature', kioskId: 'kiosk-nobody00', reason: 'unknown_kiosk' })).toBeDefined();
  });

  it('refuses a kiosk whose code was created but never used (not enrolled)', async () => {
    const created = await hub.api('POST', '/api/enrolment-codes', { name: 'n', municipality: '豊中市', site: 's', kind: 'street-terminal' });
    const { kioskId } = EnrolmentCodeResponseSchema.parse(created.body);
    const { privateKey } = generateKeyPairSync('ed25519');
    expect(await attempt(signedAuth(kioskId, privateKey))).toBe('bad_signature');
    expect(hub.logs.find('agent handshake refused', { kioskId, reason: 'unknown_kiosk' })).toBeDefined();
  });

  it('refuses a handshake signed with another key', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    expect(await attempt(signedAuth(kiosk.kioskId, privateKey))).toBe('bad_signature');
    expect(refusalLogged('bad_signature', kiosk.kioskId)).toBe(true);
  });

  it('refuses a handshake whose signed fields were altered', async () => {
    const auth = signedAuth(kiosk.kioskId, kiosk.privateKey);
    expect(await attempt({ ...auth, timestamp: auth.timestamp + 1 })).toBe('bad_signature');
  });

  it('refuses the same handshake a second time (replay)', async () => {
    const auth = signedAuth(kiosk.kioskId, kiosk.privateKey);
    expect(await attempt(auth)).toBeNull();
    expect(await attempt(auth)).toBe('replayed_handshake');
    expect(refusalLogged('replayed_handshake', kiosk.kioskId)).toBe(true);
  });

  it('refuses a stale or future timestamp', async () => {
    expect(await attempt(signedAuth(kiosk.kioskId, kiosk.privateKey, { timestamp: Date.now() - 10 * 60_000 }))).toBe('stale_handshake');
    expect(await attempt(signedAuth(kiosk.kioskId, kiosk.privateKey, { timestamp: Date.now() + 10 * 60_000 }))).toBe('stale_handshake');
    expect(refusalLogged('stale_handshake', kiosk.kioskId)).toBe(true);
  });

  it('refuses another protocol version and a malformed auth', async () => {
    expect(await attempt(signedAuth(kiosk.kioskId, kiosk.privateKey, { protocolVersion: PROTOCOL_VERSION + 1 }))).toBe('unsupported_protocol');
    expect(await attempt({ kioskId: kiosk.kioskId })).toBe('invalid_message');
    expect(await attempt(undefined)).toBe('invalid_message');
  });

  it('replaces an older connection of the same kiosk with the newer one', async () => {
    const first = await connectAgent(hub.url, signedAuth(kiosk.kioskId, kiosk.privateKey));
    sockets.push(first.socket);
    const firstClosed = new Promise<string>((resolve) => first.socket.once('disconnect', resolve));
    const second = await connectAgent(hub.url, signedAuth(kiosk.kioskId, kiosk.privateKey));
    sockets.push(second.socket);
    expect(second.refusal).toBeNull();
    expect(await firstClosed).toBe('io server disconnect');
    expect(second.socket.connected).toBe(true);
  });

  it('never logs signatures, nonces or enrolment codes', async () => {
    const auth = signedAuth(kiosk.kioskId, kiosk.privateKey);
    await attempt(auth);
    await attempt(auth);
    const text = hub.logs.text();
    expect(text).not.toContain(auth.signature);
    expect(text).not.toContain(auth.nonce);
  });
});

describe('enrolment', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start();
  });

  afterAll(async () => {
    await hub.close();
  });

  const request = { name: '豊島体育館 端末', municipality: '豊中市', site: '豊島体育館', kind: 'street-terminal' } as const;
  const newKey = () => spki(generateKeyPairSync('ed25519').publicKey);

  it('issues a printable one-time code for a hub-assigned kiosk id, valid 24 h', async () => {
    const before = Date.now();
    const { status, body } = await hub.api('POST', '/api/enrolment-codes', request);
    expect(status).toBe(201);
    const response = EnrolmentCodeResponseSchema.parse(body);
    expect(response.kioskId).toMatch(/^kiosk-[a-z0-9]{8}$/);
    expect(response.code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    const ttl = Date.parse(response.expiresAt) - before;
    expect(ttl).toBeGreaterThan(24 * 3600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3600_000 + 60_000);
    // Only the hash is stored.
    expect(await hub.count('SELECT count(*) FROM enrolment_codes WHERE code_hash = ?', response.code)).toBe(0);
    expect(await hub.count('SELECT count(*) FROM enrolment_codes WHERE kiosk_id = ?', response.kioskId)).toBe(1);
    expect(hub.logs.text()).not.toContain(response.code);
  });

  it('requires the admin token to create a code', async () => {
    expect(await hub.api('POST', '/api/enrolment-codes', request, null)).toEqual({
      status: 401,
      body: { ok: false, error: { code: 'unauthorized', message: expect.any(String) as string } },
    });
    expect((await hub.api('POST', '/api/enrolment-codes', request, 'not-the-token')).status).toBe(401);
  });

  it('accepts a code once; a reused code is refused and changes nothing', async () => {
    const { code, kioskId } = EnrolmentCodeResponseSchema.parse((await hub.api('POST', '/api/enrolment-codes', request)).body);
    const key = newKey();
    expect(await hub.api('POST', '/api/kiosks/enrol', { code, publicKey: key }, null)).toEqual({ status: 201, body: { kioskId } });
    const reused = await hub.api('POST', '/api/kiosks/enrol', { code, publicKey: newKey() }, null);
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ ok: false, error: { code: 'invalid_enrolment_code' } });
    expect(await hub.value('SELECT public_key FROM kiosks WHERE kiosk_id = ?', kioskId)).toBe(key);
  });

  it('accepts the code typed in lower case without dashes', async () => {
    const { code, kioskId } = EnrolmentCodeResponseSchema.parse((await hub.api('POST', '/api/enrolment-codes', request)).body);
    const typed = code.replace(/-/g, '').toLowerCase();
    expect(await hub.api('POST', '/api/kiosks/enrol', { code: typed, publicKey: newKey() }, null)).toEqual({ status: 201, body: { kioskId } });
  });

  it('refuses an unknown code', async () => {
    const { status, body } = await hub.api('POST', '/api/kiosks/enrol', { code: 'AAAA-BBBB-CCCC-DDDD', publicKey: newKey() }, null);
    expect(status).toBe(400);
    expect(body).toMatchObject({ ok: false, error: { code: 'invalid_enrolment_code' } });
  });

  it('refuses a key that is not Ed25519 SPKI without using up the code', async () => {
    const { code } = EnrolmentCodeResponseSchema.parse((await hub.api('POST', '/api/enrolment-codes', request)).body);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const refused = await hub.api('POST', '/api/kiosks/enrol', { code, publicKey: rsa.slice(0, 200) }, null);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    const junk = await hub.api('POST', '/api/kiosks/enrol', { code, publicKey: Buffer.alloc(44, 7).toString('base64') }, null);
    expect(junk.body).toMatchObject({ ok: false, error: { code: 'invalid_message', issues: [{ path: 'publicKey' }] } });
    expect((await hub.api('POST', '/api/kiosks/enrol', { code, publicKey: newKey() }, null)).status).toBe(201);
  });

  it('refuses a malformed body with the schema issues', async () => {
    const { status, body } = await hub.api('POST', '/api/kiosks/enrol', { code: 'short' }, null);
    expect(status).toBe(400);
    expect(body).toMatchObject({ ok: false, error: { code: 'invalid_message', issues: expect.any(Array) as unknown[] } });
  });
});
