import { openTestStore } from '../../test/support/test-store';
import { KyselyLogUploadRepository } from './log-upload.repository';

/** Uploaded log chunks on a real store of this run's engine. */
describe('KyselyLogUploadRepository', () => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let uploads: KyselyLogUploadRepository;

  beforeEach(async () => {
    opened = await openTestStore();
    uploads = new KyselyLogUploadRepository(opened.store);
    // Chunks belong to a logs.upload command of a kiosk.
    await opened.store.db
      .insertInto('kiosks')
      .values({ kiosk_id: 'kiosk-1', name: 'n', municipality: '豊中市', site: 's', kind: 'certificate-kiosk', created_at: '2026-12-07T00:00:00.000Z' })
      .execute();
    for (const commandId of ['c-1', 'c-2']) {
      await opened.store.db
        .insertInto('commands')
        .values({ command_id: commandId, kiosk_id: 'kiosk-1', type: 'logs.upload', params_json: '{"minutes":5}', issued_at: '2026-12-07T00:00:00.000Z', expires_at: '2026-12-08T00:00:00.000Z', status: 'delivered' })
        .execute();
    }
  });

  afterEach(async () => {
    await opened.close();
  });

  it('stores a chunk once (a resend changes nothing), serves them in index order, and prunes by age', async () => {
    expect(await uploads.addChunk('c-1', { index: 1, final: true, lines: ['second'] }, '2026-12-07T01:00:01.000Z')).toBe('stored');
    expect(await uploads.addChunk('c-1', { index: 0, final: false, lines: ['first', '日本語'] }, '2026-12-07T01:00:00.000Z')).toBe('stored');
    expect(await uploads.addChunk('c-1', { index: 0, final: false, lines: ['changed'] }, '2026-12-07T01:00:02.000Z')).toBe('duplicate');
    expect(await uploads.addChunk('c-2', { index: 0, final: true, lines: [] }, '2026-12-08T00:00:00.000Z')).toBe('stored');
    expect(await uploads.chunks('c-1')).toEqual([
      { index: 0, final: false, lines: ['first', '日本語'], receivedAt: '2026-12-07T01:00:00.000Z' },
      { index: 1, final: true, lines: ['second'], receivedAt: '2026-12-07T01:00:01.000Z' },
    ]);
    expect(await uploads.prune('2026-12-07T12:00:00.000Z')).toBe(2);
    expect(await uploads.chunks('c-1')).toEqual([]);
    expect(await uploads.chunks('c-2')).toHaveLength(1);
  });
});
