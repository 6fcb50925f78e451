import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'test-results/**', 'playwright-report/**', 'data/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Kysely's untyped migration handles and third-party payloads need `any` at a few seams.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The web app talks to the server only through HTTP and the shared contracts.
    files: ['apps/web/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@guichet/server',
            '@guichet/server/*',
            '@guichet/connectors',
            '@guichet/x-sandbox',
            '**/apps/server/**',
          ],
        },
      ],
    },
  },
  {
    // Connectors know networks, not the desk: no server or database imports.
    files: ['packages/connectors/**/*.ts'],
    ignores: ['packages/connectors/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@guichet/server', '**/apps/server/**', 'kysely', '@guichet/x-sandbox'] },
      ],
    },
  },
);
