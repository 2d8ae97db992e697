// One lint config for the whole repository. Type-aware rules catch unhandled promises; the
// import-boundary rules keep the package graph the one architecture.md draws.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ours = ['@kiosk/protocols', '@kiosk/devices', '@kiosk/edge-agent', '@kiosk/central-hub', '@kiosk/kiosk-ui'];

/** The emulators' and simulators' entry point: tests and the agent's virtual/demo bench only. */
const VIRTUAL_DEVICES = '@kiosk/devices/virtual';

/**
 * Forbid importing any of our packages except `allowed`, and reaching into another package by path. The
 * emulators' entry point (`@kiosk/devices/virtual`) is refused unless named in `allowed`; `extraPatterns`
 * adds restrictions of a package's own (one rule's options replace another's in flat config).
 */
function onlyImports(allowed = [], extraPatterns = []) {
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: [
          ...ours.filter((name) => !allowed.includes(name)).map((name) => ({
            name,
            message: `this package may import only ${allowed.join(', ') || 'none of ours'} (see architecture.md)`,
          })),
          ...(allowed.includes(VIRTUAL_DEVICES)
            ? []
            : [{ name: VIRTUAL_DEVICES, message: 'emulators and simulators are for tests and the virtual/demo bench (edge-agent/src/hardware/virtual-bench.ts), never production code' }]),
        ],
        patterns: [
          {
            // The virtual entry point is a package's own (allowed or refused by `paths` above), not a path into its sources.
            group: ['@kiosk/*/*', `!${VIRTUAL_DEVICES}`, '**/../protocols/**', '**/../devices/**', '**/../edge-agent/**', '**/../central-hub/**', '**/../kiosk-ui/**'],
            message: 'import packages by name, not by path into their sources',
          },
          ...extraPatterns,
        ],
      },
    ],
  };
}

/** Inside devices/src: the drivers never reach the virtual devices (tests, benches and src/virtual.ts do). */
const NO_VIRTUAL_IN_DRIVERS = { group: ['**/virtual', '**/virtual/**'], message: 'drivers do not import the virtual devices: they are exported only through @kiosk/devices/virtual' };

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', '**/*.cjs', '**/*.mjs', '**/*.js', '**/*.svelte'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['kiosk-ui/*.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  { files: ['protocols/**/*.ts'], rules: onlyImports() },
  { files: ['devices/**/*.ts'], rules: onlyImports(['@kiosk/protocols']) },
  {
    files: ['devices/src/**/*.ts'],
    ignores: ['devices/src/virtual.ts', 'devices/src/**/virtual/**', 'devices/src/**/bench/**', 'devices/src/**/*.spec.ts'],
    rules: onlyImports(['@kiosk/protocols'], [NO_VIRTUAL_IN_DRIVERS]),
  },
  { files: ['kiosk-ui/**/*.ts'], rules: onlyImports(['@kiosk/protocols']) },
  // Production agent code: the drivers' entry point only, never the emulators (@kiosk/devices/virtual) ...
  { files: ['edge-agent/**/*.ts'], rules: onlyImports(['@kiosk/protocols', '@kiosk/devices']) },
  // ... which its tests and the one place that builds the virtual/demo bench may import.
  {
    files: ['edge-agent/test/**/*.ts', 'edge-agent/**/*.spec.ts', 'edge-agent/src/hardware/virtual-bench.ts'],
    rules: onlyImports(['@kiosk/protocols', '@kiosk/devices', VIRTUAL_DEVICES]),
  },
  { files: ['central-hub/**/*.ts'], rules: onlyImports(['@kiosk/protocols']) },
  { files: ['test/**/*.ts'], rules: { ...onlyImports(['@kiosk/protocols']), 'no-console': 'off' } },
  { files: ['**/*.spec.ts', '**/*.test.ts', '**/*.typetest.ts'], rules: { '@typescript-eslint/require-await': 'off' } },
);
