import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Bundled dependencies of an agent release (issue 19, `dependencies: 'bundled'`): exactly the packages
 * of package-lock.json the kiosk's workspaces load at run time, found by Node's own resolution over the
 * lock file (a package's `node_modules`, then its parents'), so the release holds the locked versions
 * as installed here, native modules built for this machine's platform and architecture included.
 */

/** The workspaces a kiosk runs. */
export const KIOSK_WORKSPACES = ['edge-agent', 'protocols', 'devices'];

interface LockEntry {
  version?: string;
  link?: boolean;
  resolved?: string;
  dev?: boolean;
  hasInstallScript?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface LockPackages {
  packages: Record<string, LockEntry>;
}

/** Where `name` resolves from the package at `from` (a lock key such as `edge-agent` or `node_modules/a`). */
export function resolveInLock(lock: LockPackages, from: string, name: string): string | null {
  let dir = from;
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (dir === '') return null;
    const nested = dir.lastIndexOf('/node_modules/');
    dir = nested >= 0 ? dir.slice(0, nested) : '';
  }
}

/**
 * Pure: the lock keys (`node_modules/…`) of every package the workspaces need at run time, their
 * dependencies' dependencies included (optional and peer ones when installed), sorted. Workspace links
 * (`@kiosk/protocols`) are followed but not listed: the release carries those packages' builds itself.
 */
export function runtimeClosure(lock: LockPackages, workspaces: readonly string[] = KIOSK_WORKSPACES): { packages: string[]; links: string[] } {
  const seen = new Set<string>();
  const links = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const entry = lock.packages[key];
    if (!entry) return;
    if (entry.link === true && entry.resolved !== undefined) {
      links.add(key);
      visit(entry.resolved);
      return;
    }
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies })) {
      const resolved = resolveInLock(lock, key, name);
      if (resolved !== null) visit(resolved);
    }
  };
  workspaces.forEach(visit);
  const packages = [...seen].filter((key) => key.startsWith('node_modules/') && !links.has(key) && lock.packages[key]?.link !== true);
  return { packages: packages.sort(), links: [...links].sort() };
}

/**
 * Files of an installed package the kiosk never loads: documentation, type declarations, source maps,
 * the C/C++ sources and the compiler's intermediate output of native modules (their `.node` binaries and
 * JavaScript stay). Paths are relative to the package directory.
 */
const NOT_LOADED = /(^|\/)(\.github|docs?|examples?|test|tests|__tests__|obj\.target|\.deps)\/|\.(md|markdown|d\.ts|d\.cts|d\.mts|map|c|cc|cpp|h|hpp|gyp|gypi|o|a|mk|tsbuildinfo)$|(^|\/)(Makefile|config\.gypi|binding\.Makefile)$/i;

export function isLoadedDependencyFile(relativePath: string): boolean {
  return !NOT_LOADED.test(relativePath);
}

/**
 * The bundled node_modules as release paths (POSIX, relative to the repository): every loaded file of
 * every package of the closure (a nested `node_modules` is its own lock entry, so it is skipped here),
 * and the workspace packages the agent imports (`node_modules/@kiosk/<name>/`: package.json and dist),
 * copied from their builds since a release holds files, not links.
 */
export function bundledDependencyFiles(repoRoot: string): Array<{ path: string; source: string }> {
  const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as LockPackages;
  const { packages, links } = runtimeClosure(lock);
  const out: Array<{ path: string; source: string }> = [];
  for (const key of packages) {
    for (const file of walkPackage(path.join(repoRoot, key), '')) {
      if (isLoadedDependencyFile(file)) out.push({ path: `${key}/${file}`, source: path.join(repoRoot, key, file) });
    }
  }
  for (const key of links) {
    const workspace = lock.packages[key]?.resolved ?? '';
    out.push({ path: `${key}/package.json`, source: path.join(repoRoot, workspace, 'package.json') });
    for (const file of walkPackage(path.join(repoRoot, workspace, 'dist'), '')) {
      if (!/\.spec\.|\.typetest\.|\.d\.ts(\.map)?$|\.tsbuildinfo$|(^|\/)(test|bench)\//.test(file)) {
        out.push({ path: `${key}/dist/${file}`, source: path.join(repoRoot, workspace, 'dist', file) });
      }
    }
  }
  return out;
}

/** Files under a package directory, not descending into its own node_modules (those are lock entries). */
function walkPackage(dir: string, relative: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...walkPackage(dir, child));
    } else if (entry.isFile()) out.push(child);
  }
  return out;
}
