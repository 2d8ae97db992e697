import { Module, type DynamicModule } from '@nestjs/common';
import { VerifyController } from './controllers/verify.controller';
import { buildCatalogues, TOYONAKA, type MunicipalityProfile } from './domain/certificates/catalogue';
import { loadCertificateFacts } from './domain/certificates/facts';
import { CertificatesAgentHandlers } from './gateways/certificates.handlers';
import { LOGGER, type Logger } from './logger';
import { CARD_AUTH_REPOSITORY, KyselyCardAuthRepository } from './repositories/card-auth.repository';
import { DATABASE } from './repositories/database.repository';
import { ISSUANCE_REPOSITORY, KyselyIssuanceRepository } from './repositories/issuance.repository';
import { MAINTENANCE_DAY_REPOSITORY, KyselyMaintenanceDayRepository } from './repositories/maintenance-day.repository';
import { RESIDENT_RECORDS, KyselyResidentRecords } from './repositories/resident-records.repository';
import { seedSyntheticResidents } from './repositories/resident-seed';
import { FileTrustStore, TRUST_STORE, type TrustFiles, type TrustStore } from './repositories/trust-store.repository';
import { CERTIFICATE_RENDERER, NOTO_SANS_CJK, PdfCertificateRenderer, type CertificateFonts } from './rendering/certificate-pdf';
import { CardAuthService } from './services/card-auth.service';
import { CERTIFICATES_CONFIG, DEFAULT_CHALLENGE_TTL_MS, DEFAULT_SESSION_TTL_MS, type CertificatesConfig } from './services/certificates.config';
import { CertificatesService } from './services/certificates.service';
import type { HubStore } from './storage/hub-store';

export interface CertificatesModuleOptions {
  /** The shared facts file (certificate types, kiosk fees, hours, municipalities). */
  factsFile: string;
  /** Municipalities served and what differs for each; default: Toyonaka only. */
  municipalities?: MunicipalityProfile[];
  /** Trust anchors and CRLs for card certificates (the TEST CA in tests and the demo). */
  trust: TrustFiles;
  /**
   * Public base URL of the hub, for the QR code's `<base>/verify/<code>`; a function when it is known
   * only once the hub listens (an ephemeral port), read at each issue.
   */
  verifyBaseUrl: string | (() => string);
  /** Seed the synthetic residents linked to serials 1001–1004 of every trust anchor (tests, demo). */
  seedSyntheticResidents?: boolean;
  challengeTtlMs?: number;
  sessionTtlMs?: number;
  /** Demo only (`HUB_DEMO_SERVICE_TIME`): judge service hours at this Japan time of day. */
  demoServiceTime?: string | null;
  fonts?: CertificateFonts;
  /** Print every certificate as a specimen (見本); default: when the synthetic residents are seeded (config.ts). */
  specimen?: boolean;
}

const SEED = 'CertificatesResidentSeed';

/**
 * Certificate issuance: card authentication, resident records, catalogue and fees, issuance and ledger,
 * PDF rendering, the agents' certificate messages and the public verify page. Needs the global
 * runtime (LOGGER, CLOCK, RANDOM) and storage (DATABASE, KIOSK_REPOSITORY) modules, and the
 * CERTIFICATES_MIGRATION (in MIGRATIONS).
 */
@Module({})
export class CertificatesModule {
  static forRoot(options: CertificatesModuleOptions): DynamicModule {
    return {
      // Global so that the lottery's sign-in with a linked card can use the same card check (CardAuthService),
      // and the agent gateway can forward `certificates.*` requests to CertificatesAgentHandlers.
      global: true,
      module: CertificatesModule,
      controllers: [VerifyController],
      providers: [
        {
          provide: CERTIFICATES_CONFIG,
          useFactory: (): CertificatesConfig => {
            const { verifyBaseUrl } = options;
            return {
              catalogues: buildCatalogues(loadCertificateFacts(options.factsFile), options.municipalities ?? [TOYONAKA]),
              challengeTtlMs: options.challengeTtlMs ?? DEFAULT_CHALLENGE_TTL_MS,
              sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
              demoServiceTime: options.demoServiceTime ?? null,
              get verifyBaseUrl() {
                return typeof verifyBaseUrl === 'function' ? verifyBaseUrl() : verifyBaseUrl;
              },
            };
          },
        },
        { provide: TRUST_STORE, useFactory: (log: Logger) => new FileTrustStore(options.trust, log), inject: [LOGGER] },
        { provide: RESIDENT_RECORDS, useClass: KyselyResidentRecords },
        { provide: CARD_AUTH_REPOSITORY, useClass: KyselyCardAuthRepository },
        { provide: ISSUANCE_REPOSITORY, useClass: KyselyIssuanceRepository },
        { provide: MAINTENANCE_DAY_REPOSITORY, useClass: KyselyMaintenanceDayRepository },
        { provide: CERTIFICATE_RENDERER, useFactory: () => new PdfCertificateRenderer(options.fonts ?? NOTO_SANS_CJK, { specimen: options.specimen ?? options.seedSyntheticResidents ?? false }) },
        {
          provide: SEED,
          useFactory: async (store: HubStore, trust: TrustStore, log: Logger): Promise<number> => {
            if (!options.seedSyntheticResidents) return 0;
            let added = 0;
            for (const anchor of trust.anchors()) added += await seedSyntheticResidents(store, { certificateIssuer: anchor.certificate.subject });
            log.child({ module: 'certificates' }).info({ added }, 'synthetic residents seeded');
            return added;
          },
          inject: [DATABASE, TRUST_STORE, LOGGER],
        },
        CardAuthService,
        CertificatesService,
        CertificatesAgentHandlers,
      ],
      // The operators' calendar routes (CertificateCalendarModule) read the catalogues and maintenance days.
      exports: [CertificatesService, CardAuthService, CertificatesAgentHandlers, CERTIFICATES_CONFIG, MAINTENANCE_DAY_REPOSITORY],
    };
  }
}
