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
    files: ['src/raft/**/*.ts', 'src/jobs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'net', 'http', 'level', '@grpc/*', 'pino', '../*'], message: 'src/raft and src/jobs are pure: no I/O and nothing outside the folder.' }] }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Time arrives as input.' },
        { object: 'Math', property: 'random', message: 'Randomness is injected.' }],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate', 'Promise', 'console'],
    },
  },
  {
    // The server decodes, calls the node and encodes: it reads jobs only through JobNode.query and
    // the transitions applied entries report, never the mutable state or its reducers.
    files: ['src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{
          name: '../jobs/index.js',
          importNames: ['JobsState', 'createState', 'restoreState', 'applyBatch', 'getJob', 'listJobs', 'stats', 'queueStats', 'hasReady', 'isCurrentLease', 'leaseSessions', 'attemptOutcome', 'queueOf', 'readyCount', 'readyQueues', 'clockOf', 'lastAppliedIndex', 'nextDueTime'],
          message: 'src/server reads jobs through JobNode.query (src/node/queries.ts), never a JobsState.',
        }],
        patterns: [{ group: ['../node/*', '!../node/index.js'], message: 'Import src/node through its index.' }],
      }],
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
