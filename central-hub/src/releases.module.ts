import { Global, Module } from '@nestjs/common';
import { AuthModule } from './auth.module';
import { HUB_CONFIG, type HubConfig } from './config';
import { ReleaseController } from './controllers/release.controller';
import { KioskTagsController, RolloutController } from './controllers/rollout.controller';
import { FleetModule } from './fleet.module';
import { UpdateAgentHandlers } from './gateways/update.handlers';
import { KIOSK_TAGS_REPOSITORY, KyselyKioskTagsRepository } from './repositories/kiosk-tags.repository';
import { KyselyReleaseRepository, RELEASE_REPOSITORY } from './repositories/release.repository';
import { ReleaseFiles, loadTrustedReleaseKey } from './repositories/release-files.repository';
import { KyselyRolloutRepository, ROLLOUT_REPOSITORY } from './repositories/rollout.repository';
import { ReleaseArtefactImport } from './services/release-artefact-import';
import { ReleaseChunkService } from './services/release-chunk.service';
import { RELEASE_FILES, ReleaseService, TRUSTED_RELEASE_KEY } from './services/release.service';
import { RolloutProgressService } from './services/rollout-progress.service';
import { RolloutService } from './services/rollout.service';

/**
 * Agent releases (issue 19): signed artefacts uploaded by administrators, verified against the release
 * public key (HUB_RELEASE_PUBLIC_KEY_FILE), kept in the database (every hub process serves them) and listed; staged rollouts of
 * them to groups of kiosks (offers as `agent.update` commands, chunks served over `/agent`, the agents'
 * reports, stage by stage); kiosk tags. Global so that the agent gateway can forward `release.chunk` and
 * `update.report` to UpdateAgentHandlers.
 */
@Global()
@Module({
  imports: [AuthModule, FleetModule],
  controllers: [ReleaseController, RolloutController, KioskTagsController],
  providers: [
    ReleaseService,
    ReleaseChunkService,
    ReleaseArtefactImport,
    RolloutService,
    RolloutProgressService,
    UpdateAgentHandlers,
    { provide: RELEASE_REPOSITORY, useClass: KyselyReleaseRepository },
    { provide: ROLLOUT_REPOSITORY, useClass: KyselyRolloutRepository },
    { provide: KIOSK_TAGS_REPOSITORY, useClass: KyselyKioskTagsRepository },
    { provide: RELEASE_FILES, inject: [HUB_CONFIG], useFactory: (config: HubConfig) => new ReleaseFiles(config.dataDir) },
    {
      provide: TRUSTED_RELEASE_KEY,
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => (config.releases.publicKeyFile === null ? null : loadTrustedReleaseKey(config.releases.publicKeyFile)),
    },
  ],
  exports: [UpdateAgentHandlers],
})
export class ReleasesModule {}
