/**
 * One config, three apps: `vite build --mode kiosk|console|panel`. The kiosk is served by the edge agent
 * at `/`, the console by the hub under `/console/`, and the demo's virtual device panel by the agent
 * (demo mode only) under `/panel/`. `@kiosk/protocols` is compiled from its TypeScript source, never from
 * a stale build. The kiosk takes the protocol's types (erased) and its zod-free values only
 * (protocols/src/ui-values.ts): zod and the schemas stay out of the screen's bundle (issue 17's JS budget;
 * kiosk/agent-messages.ts says why the screen need not re-parse what its agent sends). A kiosk module that
 * imports a schema at run time fails this build ("… is not exported by ui-values.ts"). The console and the
 * panel keep the whole package (they parse with the schemas).
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';
import { precompress } from './precompress';

const here = fileURLToPath(new URL('.', import.meta.url));

const apps = {
  kiosk: { base: './' },
  console: { base: '/console/' },
  panel: { base: '/panel/' },
} as const;

type AppName = keyof typeof apps;

function isAppName(mode: string): mode is AppName {
  return mode in apps;
}

export default defineConfig(({ mode }): UserConfig => {
  // Plain `vite` / `vite build` (mode development/production) means the kiosk.
  const app: AppName = isAppName(mode) ? mode : 'kiosk';
  // `KIOSK_UI_BACKEND=http://127.0.0.1:PORT npm run dev` proxies socket.io to a running agent or hub.
  const backend = process.env['KIOSK_UI_BACKEND'];
  return {
    root: `${here}src/${app}`,
    base: apps[app].base,
    publicDir: false,
    // The kiosk's JS budget (scripts/js-budget.mjs) is checked after the kiosk build (package.json).
    plugins: [svelte({ configFile: `${here}svelte.config.js` }), precompress()],
    resolve: {
      alias: { '@kiosk/protocols': `${here}../protocols/src/${app === 'kiosk' ? 'ui-values' : 'index'}.ts` },
    },
    build: {
      outDir: `${here}dist/${app}`,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
      rollupOptions: {
        onwarn(warning, warn) {
          // zod's sources carry `@__PURE__` comments in places Rollup cannot use; harmless noise.
          if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/zod/')) return;
          warn(warning);
        },
      },
    },
    server: backend ? { proxy: { '/socket.io': { target: backend, ws: true } } } : {},
  };
});
