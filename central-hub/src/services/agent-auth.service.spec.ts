import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { PROTOCOL_VERSION, kioskAuthMessage, type KioskAuth } from '@kiosk/protocols';
import { parseConfig } from '../config';
import { ManualClock } from '../../test/support/manual-clock';
import { silentLogger } from '../../test/support/silent-logger';
import { strictMock } from '../../test/support/strict-mock';
import type { KioskRecord, KioskRepository } from '../repositories/kiosk.repository';
import type { NonceRepository } from '../repositories/nonce.repository';
import { AgentAuthService } from './agent-auth.service';

describe('AgentAuthService', () => {
  const clock = new ManualClock('2026-11-26T01:00:00.000Z');
  const config = { ...parseConfig({}, { repoRoot: '/r' }), handshakeWindowMs: 60_000 };
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const kiosk: KioskRecord = {
    kioskId: 'kiosk-abcd1234',
    name: 'n',
    municipality: '豊中市',
    site: 's',
    kind: 'certificate-kiosk',
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    enrolledAt: '2026-11-25T00:00:00.000Z',
    createdAt: '2026-11-25T00:00:00.000Z',
    ackedThroughSeq: 0,
    lastHeartbeatAt: null,
    agentVersion: null,
    status: null,
    statusSince: null,
  };
  let kiosks: ReturnType<typeof strictMock<KioskRepository>>;
  let nonces: ReturnType<typeof strictMock<NonceRepository>>;
  let service: AgentAuthService;

  const auth = (key = privateKey, timestamp = clock.now().getTime()): KioskAuth => {
    const unsigned = { kioskId: kiosk.kioskId, protocolVersion: PROTOCOL_VERSION, timestamp, nonce: randomBytes(16).toString('base64url') };
    return { ...unsigned, signature: sign(null, Buffer.from(kioskAuthMessage(unsigned)), key).toString('base64') };
  };

  beforeEach(() => {
    kiosks = strictMock<KioskRepository>('KioskRepository');
    nonces = strictMock<NonceRepository>('NonceRepository');
    service = new AgentAuthService(kiosks, nonces, clock, config, silentLogger());
  });

  it('accepts and records the nonce until the timestamp leaves the window', async () => {
    kiosks.findById.mockResolvedValue(kiosk);
    nonces.claim.mockResolvedValue(true);
    const a = auth();
    expect(await service.authenticate(a, '127.0.0.1')).toEqual({ ok: true, kioskId: kiosk.kioskId });
    expect(nonces.claim).toHaveBeenCalledWith(kiosk.kioskId, a.nonce, a.timestamp + 60_000, clock.now().getTime());
  });

  it('refuses a replay', async () => {
    kiosks.findById.mockResolvedValue(kiosk);
    nonces.claim.mockResolvedValue(false);
    expect(await service.authenticate(auth(), '127.0.0.1')).toMatchObject({ ok: false, error: { code: 'replayed_handshake' } });
  });

  it('does not let an unsigned or stale handshake burn a nonce (the nonce store is never called)', async () => {
    kiosks.findById.mockResolvedValue(kiosk);
    const stranger = generateKeyPairSync('ed25519').privateKey;
    expect(await service.authenticate(auth(stranger), 'x')).toMatchObject({ error: { code: 'bad_signature' } });
    expect(await service.authenticate(auth(privateKey, clock.now().getTime() - 61_000), 'x')).toMatchObject({
      error: { code: 'stale_handshake' },
    });
    expect(nonces.claim).not.toHaveBeenCalled();
  });

  it('refuses malformed auth before looking anything up', async () => {
    expect(await service.authenticate({ kioskId: 'kiosk-abcd1234' }, 'x')).toMatchObject({ error: { code: 'invalid_message' } });
    expect(await service.authenticate({ protocolVersion: 99 }, 'x')).toMatchObject({ error: { code: 'unsupported_protocol' } });
    expect(kiosks.findById).not.toHaveBeenCalled();
  });
});
