import type { Migration } from './migrations';

/**
 * Issue 8's last pieces: the log lines kiosks upload for `logs.upload` commands (one row per chunk,
 * linked to the command; pruned with the telemetry retention), and the activity counts of each stored
 * telemetry point. Listed in MIGRATIONS (migrations.ts) with its version.
 */
export const FLEET_LOGS_MIGRATION: Omit<Migration, 'version'> = {
  name: 'log uploads and telemetry activity',
  sql: `
    CREATE TABLE log_uploads (
      command_id TEXT NOT NULL REFERENCES commands (command_id),
      chunk_index INTEGER NOT NULL CHECK (chunk_index >= 0),
      final INTEGER NOT NULL CHECK (final IN (0, 1)),
      line_count INTEGER NOT NULL,
      lines_json TEXT NOT NULL,
      received_at TEXT NOT NULL,
      PRIMARY KEY (command_id, chunk_index)
    );
    CREATE INDEX log_uploads_by_received ON log_uploads (received_at);

    ALTER TABLE telemetry_points ADD COLUMN activity_json TEXT NULL;
  `,
};
