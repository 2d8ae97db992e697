import type { Migration } from './migrations';

/**
 * Agent releases the hub accepted (issue 19): one row per version, written only after the artefact's
 * signature verified against the release public key and every file matched its manifest hash. The
 * artefact itself is a file in the hub's data directory (`releases/<version>.kioskrel`); the row keeps
 * its SHA-256 so a file changed on disk is caught before it is served. Listed in MIGRATIONS with its version.
 */
export const RELEASES_MIGRATION: Omit<Migration, 'version'> = {
  name: 'agent releases',
  sql: `
    CREATE TABLE agent_releases (
      version TEXT PRIMARY KEY,
      created_at TEXT NOT NULL,
      min_protocol_version INTEGER NOT NULL,
      key_id TEXT NOT NULL,
      file_count INTEGER NOT NULL,
      native_modules_json TEXT NOT NULL,
      manifest_json TEXT NOT NULL,
      artefact_sha256 TEXT NOT NULL,
      artefact_bytes INTEGER NOT NULL,
      uploaded_at TEXT NOT NULL,
      uploaded_by TEXT NOT NULL
    );
  `,
};
