// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use an as-const object and a string union instead of enum.' }],
    },
  },
  {
    // src/limits is pure data, so the pure layers may read their defaults and bounds from it.
    files: ['src/raft/**/*.ts', 'src/jobs/**/*.ts', 'src/limits/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*', 'fs', 'net', 'http', 'level', '@grpc/*', 'pino', 'zod'], message: 'src/raft, src/jobs and src/limits are pure: no I/O.' },
        { regex: '^\\.\\./(?!limits/index\\.js$)', message: 'src/raft, src/jobs and src/limits are pure: nothing outside the folder but src/limits/index.js.' },
      ] }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Time arrives as input.' },
        { object: 'Math', property: 'random', message: 'Randomness is injected.' }],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate', 'Promise', 'console'],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, project: false },
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
  {
    // The dashboard's browser script, served as is.
    files: ['src/observability/dashboard/**/*.js'],
    languageOptions: {
      parserOptions: { projectService: false, project: false },
      globals: { document: 'readonly', window: 'readonly', location: 'readonly', fetch: 'readonly', confirm: 'readonly', Node: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
);
