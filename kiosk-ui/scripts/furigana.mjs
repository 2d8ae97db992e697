#!/usr/bin/env node
/**
 * Generates the kiosk's furigana table (issue 17): every Japanese text of the kiosk's tables
 * (src/kiosk/furigana/japanese-texts.ts) read by kuromoji, with the authored readings of ruby-overrides.ts
 * first, into src/kiosk/furigana/ruby-table.json (committed; the kiosk loads it on demand when furigana is
 * turned on, and the dictionary never leaves node_modules).
 *
 *   node scripts/furigana.mjs          writes the table if it changed (`npm run build` does, before the kiosk)
 *   node scripts/furigana.mjs --check  exits 1 if the table is not what today's texts give (ruby-build.spec.ts)
 *
 * Fails when a kanji is left without a reading (add it to ruby-overrides.ts).
 */
import { build } from 'esbuild';
import kuromoji from 'kuromoji';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const furiganaDir = path.join(here, '..', 'src', 'kiosk', 'furigana');
const tablePath = path.join(furiganaDir, 'ruby-table.json');
const check = process.argv.includes('--check');

/** The TypeScript sources (texts, overrides, the pure reading rules) bundled into one module we can import. */
async function loadSources() {
  const entry = [
    `export { JAPANESE_TEXTS, EXTRA_WORDS } from './japanese-texts';`,
    `export { RUBY_OVERRIDES } from './ruby-overrides';`,
    `export { readText, unreadKanji } from './ruby-build';`,
  ].join('\n');
  const result = await build({
    stdin: { contents: entry, resolveDir: furiganaDir, loader: 'ts', sourcefile: 'furigana-entry.ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'furigana-'));
  try {
    const file = path.join(dir, 'sources.mjs');
    writeFileSync(file, result.outputFiles[0].text);
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function loadTokenizer() {
  const dicPath = path.join(path.dirname(createRequire(import.meta.url).resolve('kuromoji/package.json')), 'dict');
  return new Promise((resolve, reject) => kuromoji.builder({ dicPath }).build((error, tokenizer) => (error ? reject(error) : resolve(tokenizer))));
}

const sources = await loadSources();
const tokenizer = await loadTokenizer();
const tokenize = (text) =>
  tokenizer.tokenize(text).map((token) => ({ surface: token.surface_form, reading: token.reading && token.reading !== '*' ? token.reading : null }));

const KANJI = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF々〆ヶ]/;
const entries = {};
const unread = [];
for (const text of [...sources.JAPANESE_TEXTS, ...sources.EXTRA_WORDS].filter((text) => KANJI.test(text)).sort()) {
  const segments = sources.readText(text, tokenize, sources.RUBY_OVERRIDES);
  const missing = sources.unreadKanji(segments);
  if (missing.length > 0) unread.push(`${text}: ${missing.join(', ')}`);
  entries[text] = segments;
}
if (unread.length > 0) {
  console.error(`furigana: kanji without a reading (add them to ruby-overrides.ts):\n${unread.join('\n')}`);
  process.exit(1);
}
const json = `${JSON.stringify(entries, null, 0).replace(/\],"/g, '],\n"')}\n`;
let committed = '';
try {
  committed = readFileSync(tablePath, 'utf8');
} catch {
  // none yet
}
if (check) {
  // Stale: a text of today's tables missing, or read differently (entries for texts since removed are harmless).
  const known = committed === '' ? {} : JSON.parse(committed);
  const stale = Object.keys(entries).filter((text) => JSON.stringify(known[text]) !== JSON.stringify(entries[text]));
  if (stale.length > 0) {
    console.error(`furigana: src/kiosk/furigana/ruby-table.json is stale (${stale.length} texts, e.g. ${stale.slice(0, 3).join(' / ')}); run \`npm run furigana -w @kiosk/kiosk-ui\` (the build does) and commit it`);
    process.exit(1);
  }
  console.log(`furigana: ruby table up to date (${Object.keys(entries).length} texts)`);
} else if (committed === json) {
  console.log(`furigana: ruby table up to date (${Object.keys(entries).length} texts)`);
} else {
  // Written only when it changed, so a build leaves the sources' hash (scripts/setup.sh) alone.
  writeFileSync(tablePath, json);
  console.log(`furigana: wrote ${Object.keys(entries).length} texts to ${path.relative(process.cwd(), tablePath)}`);
}
