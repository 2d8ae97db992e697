/**
 * Issue 15, item 9: a kiosk enrolment killed after the hub redeemed the code and before `identity.json`
 * was saved lost the kiosk's key and burnt the code (a technician had to make a new code and the kiosk
 * id was wasted). The agent now saves its key pair (0600) before it sends it, and the hub answers the
 * same code with the same key again. Real hub and agent processes; the agent is SIGKILLed at exactly
 * that point (KIOSK_CHAOS=agent-crash-after-enrol, a test-only hook), then started again with the same
 * code: it enrols as the kiosk the hub already holds, with the key the hub holds, and delivers.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { drained } from '../support/delivery';
import { TestSystem } from '../support/system';

jest.setTimeout(120_000);

describe('an enrolment killed between the hub’s redemption and the saved identity', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = new TestSystem();
    await system.startHub();
  });

  afterAll(async () => {
    await system?.close();
  });

  it('is finished by the next start with the same code: same kiosk, same key, nothing lost', async () => {
    const code = await system.createEnrolmentCode();
    const killed = await system.startAgent({ AGENT_ENROLMENT_CODE: code, KIOSK_CHAOS: 'agent-crash-after-enrol', KIOSK_TEST_HOOKS: '1' }, { waitReady: false });
    expect(await killed.exited).toMatchObject({ signal: 'SIGKILL' });

    expect(system.isEnrolled()).toBe(false);
    const pendingFile = path.join(system.agentDataDir, 'enrolment-key.json');
    expect(statSync(pendingFile).mode & 0o777).toBe(0o600);
    const pending = JSON.parse(readFileSync(pendingFile, 'utf8')) as { publicKeySpkiBase64: string };
    const enrolled = await system.hubRecords.rows<{ kioskId: string; publicKey: string }>('SELECT kiosk_id AS "kioskId", public_key AS "publicKey" FROM kiosks WHERE public_key IS NOT NULL');
    expect(enrolled).toEqual([{ kioskId: expect.stringMatching(/^kiosk-/) as string, publicKey: pending.publicKeySpkiBase64 }]);

    await system.startAgent({ AGENT_ENROLMENT_CODE: code });
    expect(system.identity()).toMatchObject({ kioskId: enrolled[0]?.kioskId, publicKeySpkiBase64: pending.publicKeySpkiBase64 });
    expect(() => statSync(pendingFile)).toThrow(/ENOENT/);
    system.enqueueSynthetic(3);
    await drained(system);
    // One enrolment in the audit trail: the repeat changed nothing.
    expect(await system.hubRecords.count("SELECT count(*) FROM audit_log WHERE action = 'kiosk.enrolled'")).toBe(1);
  });
});
