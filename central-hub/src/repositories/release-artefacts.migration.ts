import type { Migration } from './migrations';

/**
 * Release artefacts in the database (issue 19, several hub processes): until now an accepted artefact
 * was a file in the data directory of the process that received the upload, which the other processes
 * of a shared system (issue 14) could not serve. The bytes now live in `agent_release_chunks`, cut in
 * fixed-size pieces (`agent_releases.artefact_chunk_bytes`, written with the release row in one
 * transaction), so any process serves a `release.chunk` range by reading at most the two pieces it
 * spans, never the whole artefact. A row whose `artefact_chunk_bytes` is NULL was accepted by the
 * previous version (its artefact a file): the process holding that file copies it in at start-up
 * (ReleaseArtefactImport). Listed in MIGRATIONS with its version.
 */
export const RELEASE_ARTEFACTS_MIGRATION: Omit<Migration, 'version'> = {
  name: 'release artefacts in the database',
  sql: `
    ALTER TABLE agent_releases ADD COLUMN artefact_chunk_bytes INTEGER NULL;

    CREATE TABLE agent_release_chunks (
      version TEXT NOT NULL REFERENCES agent_releases (version),
      chunk_index INTEGER NOT NULL,
      bytes BLOB NOT NULL,
      PRIMARY KEY (version, chunk_index)
    );
  `,
};
