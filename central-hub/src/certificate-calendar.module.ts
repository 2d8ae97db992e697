import { Module } from '@nestjs/common';
import { AuthModule } from './auth.module';
import { CertificateCalendarController } from './controllers/certificate-calendar.controller';
import { CertificateCalendarService } from './services/certificate-calendar.service';

/**
 * The operators' certificate-service routes (`/api/certificates/*`: fees, calendar, availability,
 * maintenance days). Kept out of CertificatesModule (global, used by the agents' gateway) so that module
 * needs no accounts; it takes the catalogues, the maintenance days and CertificatesService from it.
 */
@Module({
  imports: [AuthModule],
  controllers: [CertificateCalendarController],
  providers: [CertificateCalendarService],
})
export class CertificateCalendarModule {}
