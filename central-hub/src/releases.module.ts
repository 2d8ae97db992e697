import { Module } from '@nestjs/common';
import { AuthModule } from './auth.module';
import { HUB_CONFIG, type HubConfig } from './config';
import { ReleaseController } from './controllers/release.controller';
import { KyselyReleaseRepository, RELEASE_REPOSITORY } from './repositories/release.repository';
import { ReleaseFiles, loadTrustedReleaseKey } from './repositories/release-files.repository';
import { RELEASE_FILES, ReleaseService, TRUSTED_RELEASE_KEY } from './services/release.service';

/**
 * Agent releases (issue 19): signed artefacts uploaded by administrators, verified against the release
 * public key (HUB_RELEASE_PUBLIC_KEY_FILE), kept in the data directory and listed. Staged rollout and
 * the agent's download and switch are not built yet.
 */
@Module({
  imports: [AuthModule],
  controllers: [ReleaseController],
  providers: [
    ReleaseService,
    { provide: RELEASE_REPOSITORY, useClass: KyselyReleaseRepository },
    { provide: RELEASE_FILES, inject: [HUB_CONFIG], useFactory: (config: HubConfig) => new ReleaseFiles(config.dataDir) },
    {
      provide: TRUSTED_RELEASE_KEY,
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => (config.releases.publicKeyFile === null ? null : loadTrustedReleaseKey(config.releases.publicKeyFile)),
    },
  ],
})
export class ReleasesModule {}
