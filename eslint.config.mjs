// One lint config for the whole repository. Type-aware rules catch unhandled promises; the
// import-boundary rules keep the package graph the one architecture.md draws.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ours = ['@kiosk/protocols', '@kiosk/devices', '@kiosk/edge-agent', '@kiosk/central-hub', '@kiosk/kiosk-ui'];

/** Forbid importing any of our packages except `allowed`, and reaching into another package by path. */
function onlyImports(...allowed) {
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: ours.filter((name) => !allowed.includes(name)).map((name) => ({
          name,
          message: `this package may import only ${allowed.join(', ') || 'none of ours'} (see architecture.md)`,
        })),
        patterns: [
          {
            group: ['@kiosk/*/*', '**/../protocols/**', '**/../devices/**', '**/../edge-agent/**', '**/../central-hub/**', '**/../kiosk-ui/**'],
            message: 'import packages by name, not by path into their sources',
          },
        ],
      },
    ],
  };
}

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
  { files: ['devices/**/*.ts'], rules: onlyImports('@kiosk/protocols') },
  { files: ['kiosk-ui/**/*.ts'], rules: onlyImports('@kiosk/protocols') },
  { files: ['edge-agent/**/*.ts'], rules: onlyImports('@kiosk/protocols', '@kiosk/devices') },
  { files: ['central-hub/**/*.ts'], rules: onlyImports('@kiosk/protocols') },
  { files: ['test/**/*.ts'], rules: { ...onlyImports('@kiosk/protocols'), 'no-console': 'off' } },
  { files: ['**/*.spec.ts', '**/*.test.ts', '**/*.typetest.ts'], rules: { '@typescript-eslint/require-await': 'off' } },
);
