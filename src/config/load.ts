import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { CA_CERT_FILE, nodeTlsFiles, readCaProblems, readTlsMaterial } from '../tls/index.js';
import { joinHostPort, parseHttpAddress } from './address.js';
import { authFindings } from './auth.js';
import type { TokenConfig } from './auth.js';
import { applyEnvOverrides, type Env } from './env.js';
import { configWarnings, crossFieldProblems, type Finding } from './rules.js';
import { ConfigFileSchema, type ConfigFile } from './schema.js';
import { closestName, knownFields } from './suggest.js';
import type { Config, TlsConfig } from './types.js';

/** Options of `validateConfig`. */
export interface ValidateOptions {
  /** Directory a relative `dataDir` resolves against; `loadConfig` passes the file's directory. Default: `cwd`. */
  readonly baseDir?: string;
  /** This process's node id; when given, it must be listed in `nodes`. */
  readonly nodeId?: string;
  /** Environment whose `RAFTJOBS_*` variables override the file (see `CONFIG_ENV`). Default: none. */
  readonly env?: Env;
  /** Working directory a relative `RAFTJOBS_DATA_DIR` resolves against. Default: `process.cwd()`. */
  readonly cwd?: string;
}

/** Outcome of `validateConfig`: the config, or every problem found. Either way, any warnings. */
export type ValidationResult =
  | { readonly ok: true; readonly config: Config; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[]; readonly warnings: readonly string[] };

/** `['nodes', 1, 'address']` → `nodes[1].address`. */
export function formatConfigPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out === '' ? '(root)' : out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return typeof value;
}

function issueFindings(issue: z.core.$ZodIssue): Finding[] {
  const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const near = closestName(key, knownFields(ConfigFileSchema, path));
        return { path: [...path, key], message: near === null ? 'unknown field' : `unknown field; did you mean "${near}"?` };
      });
    case 'invalid_type': {
      const expected = issue.expected === 'int' ? 'an integer' : issue.expected;
      const message = issue.input === undefined ? 'required' : `expected ${expected}, got ${describe(issue.input)}`;
      return [{ path, message }];
    }
    case 'too_small':
    case 'too_big': {
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'string' && issue.code === 'too_small' && bound === 1) return [{ path, message: 'must not be empty' }];
      if (issue.origin === 'string') return [{ path, message: `must be ${word} ${bound} characters long` }];
      if (issue.origin === 'array') return [{ path, message: `must have ${word} ${bound} ${bound === 1 ? 'entry' : 'entries'}` }];
      return [{ path, message: `must be ${word} ${bound}, got ${describe(issue.input)}` }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

function render(findings: readonly Finding[], sources: ReadonlyMap<string, string>): string[] {
  return findings.map(({ path, message }) => {
    const env = sources.get(path.join('.'));
    return `${formatConfigPath(path)}${env === undefined ? '' : ` (from ${env})`}: ${message}`;
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function tlsConfig(tls: NonNullable<ConfigFile['tls']>, baseDir: string): TlsConfig {
  const certsDir = resolve(baseDir, tls.certsDir);
  return { caFile: tls.caFile === undefined ? join(certsDir, CA_CERT_FILE) : resolve(baseDir, tls.caFile), certsDir, clientCertificates: tls.clientCertificates };
}

/**
 * The TLS files a process of this config needs, checked now rather than at the first handshake:
 * the CA always; a node's own certificate and key, that they match, that the CA issued them and
 * that the certificate names the node.
 */
function tlsFindings(tls: TlsConfig, nodeId: string | undefined): Finding[] {
  if (nodeId === undefined) return readCaProblems(tls.caFile).map((message) => ({ path: ['tls', 'caFile'], message }));
  const result = readTlsMaterial(nodeTlsFiles(tls, nodeId), { node: nodeId });
  if (result.ok) return [];
  return result.problems.map((p) => ({ path: ['tls', p.field === 'caFile' ? 'caFile' : 'certsDir'], message: p.message }));
}

function build(file: ConfigFile, baseDir: string, tokensFile: string | null, fileTokens: readonly TokenConfig[]): Config {
  const { tickMs, electionTicks, heartbeatTicks } = file.raft;
  return deepFreeze({
    ...(file.tls === undefined ? {} : { tls: tlsConfig(file.tls, baseDir) }),
    clusterId: file.clusterId,
    nodes: file.nodes.map((n) => {
      const http = n.httpAddress === undefined ? null : parseHttpAddress(n.httpAddress);
      if (http === null || typeof http === 'string') return { id: n.id, address: n.address };
      return { id: n.id, address: n.address, httpAddress: http.advertised, httpListen: joinHostPort(http.bindHost, http.port) };
    }),
    dataDir: isAbsolute(file.dataDir) ? resolve(file.dataDir) : resolve(baseDir, file.dataDir),
    raft: {
      ...file.raft,
      electionTimeoutMinMs: tickMs * electionTicks,
      electionTimeoutMaxMs: tickMs * electionTicks * 2,
      heartbeatIntervalMs: tickMs * heartbeatTicks,
    },
    limits: { ...file.limits, maxEntryBytes: file.limits.maxEntryBytes ?? file.raft.maxAppendBytes },
    jobs: { ...file.jobs },
    server: { ...file.server },
    shutdownTimeoutMs: file.shutdownTimeoutMs,
    dashboard: { ...file.dashboard },
    membership: { ...file.membership },
    watch: { ...file.watch },
    http: { ...file.http },
    auth: {
      enabled: file.auth.enabled,
      tokens: file.auth.tokens,
      tokensFile,
      fileTokens,
      metricsRequireToken: file.auth.metricsRequireToken,
      healthRequireToken: file.auth.healthRequireToken,
    },
  });
}

/**
 * Validates parsed config JSON (after applying `options.env` overrides) and reports every problem
 * at once, each prefixed with its JSON path, e.g. `nodes[1].address: duplicate of nodes[0].address
 * (127.0.0.1:7001)`. Unknown fields are problems too, so a misspelt setting never silently falls
 * back to its default. Never throws.
 */
export function validateConfig(raw: unknown, options: ValidateOptions = {}): ValidationResult {
  const cwd = options.cwd ?? process.cwd();
  const { data, sources } = applyEnvOverrides(raw, options.env ?? {}, cwd);
  const parsed = ConfigFileSchema.safeParse(data, { reportInput: true });
  const findings = parsed.success ? [] : parsed.error.issues.flatMap(issueFindings);
  findings.push(...crossFieldProblems(data, options.nodeId));
  const auth = authFindings(data, options.baseDir ?? cwd);
  findings.push(...auth.problems);
  if (!parsed.success || findings.length > 0) return { ok: false, problems: render(findings, sources), warnings: [] };
  const config = build(parsed.data, options.baseDir ?? cwd, auth.tokensFile, auth.fileTokens);
  if (config.tls !== undefined) {
    const tlsProblems = tlsFindings(config.tls, options.nodeId);
    if (tlsProblems.length > 0) return { ok: false, problems: render(tlsProblems, sources), warnings: [] };
  }
  return { ok: true, config, warnings: render(configWarnings(config), sources) };
}

/** Options of `loadConfig`. */
export interface LoadOptions {
  /** Environment holding `RAFTJOBS_*` overrides (see `CONFIG_ENV`). Default: `process.env`. */
  readonly env?: Env;
  /** This process's node id; when given, it must be listed in `nodes`. */
  readonly nodeId?: string;
  /** Working directory for a relative config path and `RAFTJOBS_DATA_DIR`. Default: `process.cwd()`. */
  readonly cwd?: string;
  /** Receives each warning (legal but doubtful settings, e.g. an even cluster size). */
  readonly onWarning?: (warning: string) => void;
}

function lineColumn(text: string, message: string): string {
  const match = /at position (\d+)/.exec(message);
  if (match?.[1] === undefined) return '';
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  return ` (line ${line}, column ${before.length - before.lastIndexOf('\n')})`;
}

function invalid(path: string, problems: string[], cause?: unknown): RaftJobsError {
  const list = problems.map((p) => `\n  - ${p}`).join('');
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new RaftJobsError(ErrorCode.ConfigInvalid, `${path}: invalid config (${count}):${list}`, { path, problems }, { cause });
}

/**
 * Loads a cluster config once: read the JSON file, apply `RAFTJOBS_*` environment overrides,
 * validate, and return a deeply frozen `Config`.
 *
 * @param path config file; relative paths resolve against `options.cwd`. A relative `dataDir`
 *   inside it resolves against the file's own directory.
 * @throws RaftJobsError with code `CONFIG_INVALID`, a message starting with the file path, and
 *   `details.problems` listing every problem, when the file is unreadable, is not JSON, or fails
 *   validation.
 */
export function loadConfig(path: string, options: LoadOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const absolute = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw invalid(absolute, [`(file): cannot read: ${reason}`], err);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message.replace(/\s+/g, ' ');
    throw invalid(absolute, [`(file): not valid JSON${lineColumn(text, message)}: ${message}`], err);
  }
  const validateOptions: ValidateOptions = { baseDir: dirname(absolute), env: options.env ?? process.env, cwd };
  const result = validateConfig(raw, options.nodeId === undefined ? validateOptions : { ...validateOptions, nodeId: options.nodeId });
  if (!result.ok) throw invalid(absolute, [...result.problems]);
  for (const warning of result.warnings) options.onWarning?.(warning);
  return result.config;
}
