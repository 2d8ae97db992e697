#!/usr/bin/env node
/**
 * The kiosk's JS weight budget (issue 17): the JS the kiosk loads at start (the scripts and module
 * preloads that dist/kiosk/index.html names), gzipped, must stay within BUDGET_KB. Prints the figures
 * (minified, gzip, brotli) and exits 1 when over budget, so the build (package.json `build`) and with it
 * `npm test` and CI fail. Chunks loaded later on demand are listed but not counted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * The ceiling enforced, below issue 17's target (TARGET_KB). The kiosk loaded 133.5 KB when the check was
 * added; without zod and the schemas (protocols/src/ui-values.ts), with the languages other than Japanese,
 * the lottery's screens and the furigana table in chunks of their own, it loads about 65 KB at start: the
 * ceiling is that with a little headroom. Lower it further as the bundle shrinks; never raise it past 80.
 */
const BUDGET_KB = 70;
const TARGET_KB = 80;

const distDir = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'kiosk');

/** The JS files index.html loads at start: `<script src>` and `<link rel="modulepreload" href>`. */
function entryScripts(html) {
  const found = new Set();
  for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) found.add(match[1]);
  for (const match of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)) found.add(match[1]);
  return [...found].filter((src) => src.endsWith('.js'));
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
const scripts = entryScripts(html);
if (scripts.length === 0) {
  console.error(`js-budget: no script in ${path.join(distDir, 'index.html')}`);
  process.exit(1);
}
let minified = 0;
let gzipped = 0;
let brotli = 0;
for (const src of scripts) {
  const content = readFileSync(path.join(distDir, src));
  minified += content.length;
  gzipped += gzipSync(content, { level: constants.Z_BEST_COMPRESSION }).length;
  brotli += brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }).length;
}
const atStart = new Set(scripts.map((src) => path.basename(src)));
const later = readdirSync(path.join(distDir, 'assets')).filter((name) => name.endsWith('.js') && !atStart.has(name));
const figure = `kiosk JS at start: ${kb(gzipped)} gzipped (budget ${BUDGET_KB} KB, target ${TARGET_KB} KB), ${kb(brotli)} brotli, ${kb(minified)} minified, ${scripts.length} file(s)`;
const lazy = later.length === 0 ? '' : `; loaded on demand, not counted: ${later.join(', ')}`;
if (gzipped > BUDGET_KB * 1024) {
  console.error(`js-budget: OVER BUDGET: ${figure}${lazy}`);
  process.exit(1);
}
console.log(`js-budget: ${figure}${lazy}`);
