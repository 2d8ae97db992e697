import path from 'node:path';
import { bundledDependencyFiles, isLoadedDependencyFile, resolveInLock, runtimeClosure, type LockPackages } from './release-dependencies';

/** A lock file in miniature: two workspaces, a nested version, a dev-only package, a workspace link. */
const LOCK: LockPackages = {
  packages: {
    '': {},
    'edge-agent': { dependencies: { '@kiosk/protocols': '0.1.0', a: '^1.0.0' } },
    protocols: { dependencies: { zod: '^4.0.0' } },
    devices: { dependencies: {} },
    'central-hub': { dependencies: { nest: '^1.0.0' } },
    'node_modules/@kiosk/protocols': { resolved: 'protocols', link: true },
    'node_modules/a': { version: '1.0.0', dependencies: { b: '^2.0.0' }, optionalDependencies: { missing: '*' } },
    'node_modules/a/node_modules/b': { version: '2.0.0' },
    'node_modules/b': { version: '1.0.0' },
    'node_modules/zod': { version: '4.1.0' },
    'node_modules/nest': { version: '1.0.0' },
    'node_modules/jest': { version: '29.0.0', dev: true },
  },
};

describe('bundled release dependencies', () => {
  it('resolves like Node: the nested copy first, then the parents', () => {
    expect(resolveInLock(LOCK, 'node_modules/a', 'b')).toBe('node_modules/a/node_modules/b');
    expect(resolveInLock(LOCK, 'edge-agent', 'b')).toBe('node_modules/b');
    expect(resolveInLock(LOCK, 'edge-agent', 'missing')).toBeNull();
  });

  it('takes exactly what the kiosk workspaces load: not the hub\'s packages, not dev tools, links apart', () => {
    expect(runtimeClosure(LOCK)).toEqual({
      packages: ['node_modules/a', 'node_modules/a/node_modules/b', 'node_modules/zod'],
      links: ['node_modules/@kiosk/protocols'],
    });
  });

  it('leaves out what is never loaded: sources, build intermediates, docs, declarations', () => {
    for (const file of ['build/Release/better_sqlite3.node', 'lib/index.js', 'package.json', 'prebuilds/linux-x64/node.napi.node']) {
      expect(isLoadedDependencyFile(file)).toBe(true);
    }
    for (const file of ['deps/sqlite3/sqlite3.c', 'src/addon.cc', 'build/Release/obj.target/x.o', 'README.md', 'index.d.ts', 'build/Makefile']) {
      expect(isLoadedDependencyFile(file)).toBe(false);
    }
  });
});

describe('bundled dependencies of this checkout', () => {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');

  it('carries the native binaries and the workspace builds the agent loads, without sources or the hub\'s packages', () => {
    const paths = new Set(bundledDependencyFiles(repoRoot).map((file) => file.path));
    expect(paths).toContain('node_modules/better-sqlite3/package.json');
    expect([...paths].some((file) => /^node_modules\/better-sqlite3\/build\/Release\/[^/]+\.node$/.test(file))).toBe(true);
    expect(paths).toContain('node_modules/@kiosk/protocols/package.json');
    expect(paths).toContain('node_modules/@kiosk/protocols/dist/index.js');
    expect(paths).toContain('node_modules/@kiosk/devices/dist/index.js');
    expect([...paths].filter((file) => /\.(cc|cpp|c|o)$|\/deps\/sqlite3\//.test(file))).toEqual([]);
    expect([...paths].filter((file) => file.startsWith('node_modules/@nestjs/') || file.startsWith('node_modules/jest/'))).toEqual([]);
  });
});
