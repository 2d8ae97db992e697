import { HubCommandSchema } from './agent-hub';
import { MAX_RELEASE_CHUNK_BYTES, ReleaseChunkAckSchema, ReleaseChunkRequestSchema, UpdateReportSchema, agentToHubUpdateSchemas, updateResponseSchemas } from './update';

const base = { commandId: '01890a5d-ac96-774b-bcce-b302099a8057', issuedAt: '2026-12-07T00:00:00.000Z', expiresAt: '2026-12-08T00:00:00.000Z' };
const params = { version: '1.4.0', artefactSha256: 'a'.repeat(64), artefactBytes: 1000, chunkBytes: 65_536 };

describe('agent update messages', () => {
  it('offers a release as the agent.update command, refusing a bad hash, size or chunk', () => {
    expect(HubCommandSchema.safeParse({ ...base, type: 'agent.update', params }).success).toBe(true);
    for (const bad of [
      { ...params, artefactSha256: 'A'.repeat(64) },
      { ...params, artefactBytes: 0 },
      { ...params, chunkBytes: MAX_RELEASE_CHUNK_BYTES + 1 },
      { ...params, version: 'latest' },
      { ...params, extra: true },
    ]) {
      expect(HubCommandSchema.safeParse({ ...base, type: 'agent.update', params: bad }).success).toBe(false);
    }
  });

  it('bounds a chunk request and carries the chunk as bytes', () => {
    expect(ReleaseChunkRequestSchema.safeParse({ version: '1.4.0', offset: 0, length: MAX_RELEASE_CHUNK_BYTES }).success).toBe(true);
    for (const bad of [{ offset: -1, length: 1 }, { offset: 0, length: 0 }, { offset: 0, length: MAX_RELEASE_CHUNK_BYTES + 1 }, { offset: 0.5, length: 1 }]) {
      expect(ReleaseChunkRequestSchema.safeParse({ version: '1.4.0', ...bad }).success).toBe(false);
    }
    expect(ReleaseChunkAckSchema.safeParse({ ok: true, offset: 0, bytes: Buffer.from([1, 2]) }).success).toBe(true);
    expect(ReleaseChunkAckSchema.safeParse({ ok: true, offset: 0, bytes: [1, 2] }).success).toBe(false);
  });

  it('takes a report in one of the known states, with a bounded detail', () => {
    expect(UpdateReportSchema.safeParse({ version: '1.4.0', state: 'rolled-back', detail: 'no healthy report within 120 s' }).success).toBe(true);
    expect(UpdateReportSchema.safeParse({ version: '1.4.0', state: 'installed' }).success).toBe(false);
    expect(UpdateReportSchema.safeParse({ version: '1.4.0', state: 'failed', detail: 'x'.repeat(501) }).success).toBe(false);
  });

  it('has an answer schema for every request', () => {
    expect(Object.keys(updateResponseSchemas).sort()).toEqual(Object.keys(agentToHubUpdateSchemas).sort());
  });
});
