import { z } from 'zod';
import type { SqliteDatabase } from './database';

/** Local file contents (not a wire message): whether a technician took the kiosk out of service, and why. */
const ServiceStateSchema = z.strictObject({ outOfService: z.boolean(), reason: z.string().max(200).nullable() });
export type ServiceState = z.infer<typeof ServiceStateSchema>;

const IN_SERVICE: ServiceState = { outOfService: false, reason: null };

/** Small persistent settings the agent must remember across restarts. */
export class AgentSettings {
  private readonly read;
  private readonly write;

  constructor(db: SqliteDatabase) {
    this.read = db.prepare<[string], { value_json: string }>('SELECT value_json FROM agent_settings WHERE key = ?');
    this.write = db.prepare(
      'INSERT INTO agent_settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json',
    );
  }

  serviceState(): ServiceState {
    const row = this.read.get('service');
    if (row === undefined) return IN_SERVICE;
    const parsed = ServiceStateSchema.safeParse(JSON.parse(row.value_json));
    // A damaged value must not silently put the kiosk back in service: fail safe, out of service.
    return parsed.success ? parsed.data : { outOfService: true, reason: 'unreadable service setting' };
  }

  /** Plain write; callers run it inside the transaction that records the command's result. */
  setServiceState(state: ServiceState): void {
    this.write.run('service', JSON.stringify(ServiceStateSchema.parse(state)));
  }
}
