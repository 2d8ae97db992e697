import 'reflect-metadata';
import { Global, Inject, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Namespace, Socket as ServerSocket } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import {
  AGENT_NAMESPACE,
  CardVerifyResponseSchema,
  ChallengeResponseSchema,
  IssueResponseSchema,
  VerificationResultSchema,
  type AgentToHubCertificateEvents,
} from '@kiosk/protocols';
import { CertificatesModule } from '../../src/certificates.module';
import { CertificatesAgentHandlers } from '../../src/gateways/certificates.handlers';
import { SOCKET_SERVER_OPTIONS } from '../../src/gateways/socket-options';
import { LOGGER } from '../../src/logger';
import { CLOCK } from '../../src/repositories/clock.repository';
import { DATABASE } from '../../src/repositories/database.repository';
import { KIOSK_REPOSITORY, KyselyKioskRepository } from '../../src/repositories/kiosk.repository';
import { CryptoRandom, RANDOM } from '../../src/repositories/random.repository';
import { SEEDED_PERSONAL_STRINGS } from '../../src/repositories/resident-seed';
import type { HubStore } from '../../src/storage/hub-store';
import { LogCapture } from '../support/log-capture';
import { ManualClock } from '../support/manual-clock';
import pino from 'pino';
import { insertKiosk, openCertificatesStore, rowsIn } from './support/db';
import { factsFile } from './support/facts';
import { createTestPki, type TestPki } from './support/test-pki';

/**
 * Stands in for the fleet gateway (tested with the fleet): its handshake check takes the kiosk id the
 * test client claims, and its one listener per socket forwards `certificates.*` to the module's
 * handlers, so these tests reach them over a real socket.
 */
@WebSocketGateway({ namespace: AGENT_NAMESPACE, ...SOCKET_SERVER_OPTIONS })
class TestAgentGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<ServerSocket> {
  constructor(@Inject(CertificatesAgentHandlers) private readonly certificates: CertificatesAgentHandlers) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      (socket.data as { kioskId: string }).kioskId = String((socket.handshake.auth as { kioskId?: unknown }).kioskId);
      next();
    });
  }

  handleConnection(socket: ServerSocket): void {
    socket.onAny((event: unknown, body: unknown, ack: unknown) => {
      if (typeof event !== 'string' || !CertificatesAgentHandlers.handles(event) || typeof ack !== 'function') return;
      const kioskId = (socket.data as { kioskId: string }).kioskId;
      void this.certificates.handle(kioskId, event, body).then((answer) => (ack as (answer: object) => void)(answer));
    });
  }
}

@Global()
@Module({})
class TestRuntime {
  static forRoot(store: HubStore, logs: LogCapture, clock: ManualClock): DynamicModule {
    const providers = [
      { provide: LOGGER, useValue: pino({ level: 'debug' }, logs) },
      { provide: CLOCK, useValue: clock },
      { provide: RANDOM, useValue: new CryptoRandom() },
      { provide: DATABASE, useValue: store },
      { provide: KIOSK_REPOSITORY, useFactory: () => new KyselyKioskRepository(store) },
    ];
    return { module: TestRuntime, providers: [...providers, TestAgentGateway], exports: providers.map((p) => p.provide) };
  }
}

/** The certificates module as Nest builds it: DI wiring, the gateway over real socket.io, the verify page over HTTP. */
describe('CertificatesModule', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'certificates-module-'));
  const logs = new LogCapture();
  const clock = new ManualClock('2026-11-26T03:00:00.000Z');
  let pki: TestPki;
  let store: HubStore;
  let closeStore: (() => Promise<void>) | undefined;
  let app: INestApplication;
  let url: string;
  let card: Buffer;
  const sockets: Socket[] = [];

  const connect = (kioskId: string): Socket<Record<string, never>, AgentToHubCertificateEvents> => {
    const socket = io(`${url}${AGENT_NAMESPACE}`, { transports: ['websocket'], auth: { kioskId }, reconnection: false });
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    pki = createTestPki(path.join(dir, 'pki'), { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2040-01-01T00:00:00Z') });
    card = pki.root.issue('1001', new Date('2026-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
    writeFileSync(path.join(dir, 'anchor.pem'), pki.root.rootPem);
    writeFileSync(path.join(dir, 'root.crl.pem'), pki.root.crl({ from: new Date('2026-01-01T00:00:00Z'), days: 3650 }));
    ({ store, close: closeStore } = await openCertificatesStore());
    await insertKiosk(store, 'kiosk-one');

    @Module({
      imports: [
        TestRuntime.forRoot(store, logs, clock),
        CertificatesModule.forRoot({
          factsFile: factsFile(),
          trust: { anchorFiles: [path.join(dir, 'anchor.pem')], crlFiles: [path.join(dir, 'root.crl.pem')] },
          verifyBaseUrl: 'http://hub.example',
          seedSyntheticResidents: true,
        }),
      ],
    })
    class Root {}

    app = await NestFactory.create(Root, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await app?.close();
    await closeStore?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds the synthetic residents linked to the configured anchor', async () => {
    expect(logs.find('synthetic residents seeded')?.added).toBe(8);
    expect(await rowsIn(store, 'resident_certificates')).toBe(4);
  });

  it('serves the whole flow to an agent over socket.io and the verify page over HTTP', async () => {
    const agent = connect('kiosk-one');
    expect(await agent.emitWithAck('certificates.availability', {})).toMatchObject({ ok: true, municipality: '豊中市', availability: { open: true } });

    const challenge = ChallengeResponseSchema.parse(await agent.emitWithAck('certificates.challenge', {}));
    if (!challenge.ok) throw new Error('no challenge');
    const signature = pki.cardSign(Buffer.from(challenge.challenge, 'base64')).toString('base64');
    const verified = CardVerifyResponseSchema.parse(
      await agent.emitWithAck('certificates.verify', { challenge: challenge.challenge, certificate: card.toString('base64'), signature }),
    );
    if (!verified.ok) throw new Error(`card refused: ${verified.error.code}`);
    expect(verified.household.find((m) => m.self)?.nameJa).toBe('豊中 花子');

    const order = { options: { type: 'juminhyo', scope: 'household', includeDomicile: false, includeRelationship: true }, copies: 2 } as const;
    expect(await agent.emitWithAck('certificates.quote', { cardSessionId: verified.cardSessionId, order })).toEqual({ ok: true, unitFeeYen: 200, copies: 2, feeYen: 400 });

    const transactionId = uuidv7();
    const issued = IssueResponseSchema.parse(await agent.emitWithAck('certificates.issue', { transactionId, cardSessionId: verified.cardSessionId, order, paidFeeYen: 400 }));
    if (!issued.ok) throw new Error(`issue refused: ${issued.error.code}`);
    const pdfFile = path.join(dir, 'issued.pdf');
    writeFileSync(pdfFile, Buffer.from(issued.pdf, 'base64'));
    expect(execFileSync('pdftotext', [pdfFile, '-'], { encoding: 'utf8' })).toContain(issued.issuance.serial);
    const again = IssueResponseSchema.parse(await agent.emitWithAck('certificates.issue', { transactionId, cardSessionId: verified.cardSessionId, order, paidFeeYen: 400 }));
    expect(again).toMatchObject({ ok: true, replayed: true, issuance: issued.issuance });

    const json = await fetch(`${url}/api/verify/${issued.issuance.verificationCode}`);
    expect(VerificationResultSchema.parse(await json.json())).toMatchObject({ valid: true, certificateType: 'juminhyo', municipality: '豊中市', kioskId: 'kiosk-one' });
    const page = await fetch(`${url}/verify/${issued.issuance.verificationCode.toLowerCase()}`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('有効な証明書です');
    expect(html).toContain('住民票の写し');
    // The serial and the number of copies, as printed on the paper (issue 17).
    expect(html).toContain(`<dd class="serial">${issued.issuance.serial}</dd>`);
    expect(issued.issuance.copies).toBe(2);
    expect(html).toContain('<dd>2通 <span>2 copies');
    for (const personal of SEEDED_PERSONAL_STRINGS) expect(html).not.toContain(personal);
    expect(await (await fetch(`${url}/verify/${'A'.repeat(100)}`)).text()).toContain('見つかりません');

    expect(await agent.emitWithAck('certificates.refund', { transactionId, amountYen: 400, reason: 'print-failed', method: 'hopper' })).toEqual({
      ok: true,
      duplicate: false,
      voidedSerial: issued.issuance.serial,
    });
    expect(await (await fetch(`${url}/verify/${issued.issuance.verificationCode}`)).text()).toContain('無効');
  }, 30_000);

  it('answers refusals and malformed messages in the ack with a code', async () => {
    const agent = connect('kiosk-one');
    expect(await agent.emitWithAck('certificates.challenge', { extra: 1 } as unknown as Record<string, never>)).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    const junk = { challenge: 'A'.repeat(44), certificate: 'A'.repeat(200), signature: 'A'.repeat(344) };
    expect(await agent.emitWithAck('certificates.verify', junk)).toMatchObject({ ok: false, error: { code: 'challenge-unknown' } });
    const stranger = connect('kiosk-nowhere');
    expect(await stranger.emitWithAck('certificates.availability', {})).toMatchObject({ ok: false, error: { code: 'not-a-certificate-kiosk' } });
  });
});
