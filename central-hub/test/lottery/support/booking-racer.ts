/**
 * One side of the booking race (booking-race.spec.ts), as its own process with its own connection to
 * the hub's SQLite file, like a second hub process or a second terminal's request on another worker.
 * Waits for the go file, then books every slot as fast as it can and prints one JSON line per slot.
 *
 *   node -r register-ts.cjs booking-racer.ts <dataDir> <principal json> <now iso> <go file> <slot ids…>
 */
import { existsSync } from 'node:fs';
import pino from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { KyselyFacilityBookingRepository } from '../../../src/repositories/facility-booking.repository';
import { KyselyFacilityCatalogueRepository } from '../../../src/repositories/facility-catalogue.repository';
import { KyselyLotteryRepository } from '../../../src/repositories/lottery.repository';
import { FacilityBookingService } from '../../../src/services/facility-booking.service';
import type { FacilityPrincipal } from '../../../src/services/facility-users.service';
import { SqliteHubStore } from '../../../src/storage/sqlite-hub-store';
import { SeededRandom, SettableClock } from '../support';

async function main(): Promise<void> {
  const [dir, principalJson, now, goFile, ...slotIds] = process.argv.slice(2);
  if (!dir || !principalJson || !now || !goFile) throw new Error('usage: booking-racer <dir> <principal> <now> <go> <slots…>');
  const principal = JSON.parse(principalJson) as FacilityPrincipal;
  const log = pino({ level: 'silent' });
  // Its own store on the file the test's hub made (schema already there), opened as the hub opens it.
  const store = new SqliteHubStore(dir);
  const service = new FacilityBookingService(
    new KyselyFacilityBookingRepository(store),
    new KyselyFacilityCatalogueRepository(store),
    new KyselyLotteryRepository(store),
    new SettableClock(now),
    new SeededRandom(`racer/${principal.userNumber}/${process.pid}`),
    log,
  );
  process.stdout.write('ready\n');
  while (!existsSync(goFile)) await new Promise((resolve) => setImmediate(resolve));
  for (const slotId of slotIds) {
    const outcome = await service.book(principal, { clientBookingId: uuidv7(), slotId }).then(
      () => 'booked',
      (error: unknown) => (error as { code?: string }).code ?? String(error),
    );
    process.stdout.write(`${JSON.stringify({ slotId, outcome })}\n`);
  }
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
