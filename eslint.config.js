// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * What each folder of src/ may import from the others (the layers of the README's Architecture
 * section, bottom up). src/raft, src/jobs and src/limits are pure and have their own, stricter
 * block below. Imports inside a folder are free; src/ never imports scripts/ or test/.
 */
const LAYERS = {
  errors: [],
  protocol: [],
  // Certificate identities, files and gRPC credentials; shared by config checks, the SDK and nodes.
  tls: ['errors'],
  storage: ['raft', 'errors', 'limits'],
  transport: ['raft', 'errors', 'limits'],
  config: ['jobs', 'tls', 'errors', 'limits'],
  // The SDK loads no server code: what it shares with the server is the .proto contract, the error
  // type and the byte arithmetic of a submit.
  client: ['protocol', 'tls', 'errors', 'limits'],
  // The backup file (header, checksum, write-then-rename): shared by `raftjobs backup`, which
  // loads no server code, and the restore in src/server. Its header is the SDK's view of a
  // backup stream's header (a type only) plus the checksum.
  backup: ['client', 'errors'],
  node: ['raft', 'jobs', 'storage', 'transport', 'config', 'errors', 'limits'],
  observability: ['node', 'jobs', 'transport', 'config', 'errors', 'limits'],
  sim: ['raft', 'jobs', 'node', 'storage', 'transport', 'errors', 'limits'],
  // The dashboard backend is a client of its own cluster (src/server/dashboard-backend.ts): its
  // reads and actions go through the SDK exactly as a user's would, from whichever node serves it.
  server: ['node', 'jobs', 'storage', 'transport', 'config', 'observability', 'protocol', 'client', 'backup', 'tls', 'errors', 'limits'],
  cli: ['server', 'client', 'backup', 'config', 'observability', 'protocol', 'tls', 'errors', 'limits'],
};

/** Rules a layer keeps beside its list: restricted names (`paths`) and more `patterns`. */
const LAYER_EXTRAS = {
  // The server decodes, calls the node and encodes: it reads jobs only through JobNode.query and
  // the transitions applied entries report, never the mutable state or its reducers.
  server: {
    paths: [{
      name: '../jobs/index.js',
      importNames: ['JobsState', 'createState', 'restoreState', 'applyBatch', 'getJob', 'listJobs', 'stats', 'queueStats', 'hasReady', 'isCurrentLease', 'leaseSessions', 'attemptOutcome', 'queueOf', 'readyCount', 'readyQueues', 'clockOf', 'lastAppliedIndex', 'nextDueTime', 'getSchedule', 'listSchedules', 'backlog', 'backlogOf', 'leasable', 'nextLeasableTime', 'queueFlow', 'listQueueFlows'],
      message: 'src/server reads jobs through JobNode.query (src/node/queries.ts), never a JobsState.',
    }],
    patterns: [{ group: ['../node/*', '!../node/index.js'], message: 'Import src/node through its index.' }],
  },
};

/** The lint block of one layer: a relative import that climbs to a folder not in `allowed` fails. */
function layer(folder, allowed) {
  const ok = allowed.length > 0 ? `(?!(${allowed.join('|')})/)` : '';
  const extras = LAYER_EXTRAS[folder] ?? { paths: [], patterns: [] };
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        paths: extras.paths,
        patterns: [
          { regex: `^(\\.\\./)+${ok}[a-z-]+/`, message: `src/${folder} may import only from ${allowed.length > 0 ? allowed.map((f) => `src/${f}`).join(', ') : 'itself'} (see LAYERS in eslint.config.js and the README's Architecture section).` },
          ...extras.patterns,
        ],
      }],
    },
  };
}

export default tseslint.config(
  // src/protocol/generated: written by `npm run proto-types` from the .proto files (test/protocol checks it is current).
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', 'dist/**', '.test-build/**', 'src/protocol/generated/**'] },
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
  ...Object.entries(LAYERS).map(([folder, allowed]) => layer(folder, allowed)),
  {
    // The package entry point is the SDK and its error type, nothing else.
    files: ['src/index.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^\\./(?!(client|errors)/)', message: 'src/index.ts exports the SDK (src/client) and src/errors only.' }] }] },
  },
  {
    files: ['scripts/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+test/', message: 'scripts/ never imports from test/ (tests may use scripts/lib).' }] }] },
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
