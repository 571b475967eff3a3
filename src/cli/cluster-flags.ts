import { readFileSync } from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import { Client, clientCredentials, type ClientTls } from '../client/index.js';
import { loadConfig, parseHostPort, type Config } from '../config/index.js';
import { ErrorCode, isRaftJobsError, RaftJobsError, TlsMismatch } from '../errors/index.js';
import { intFlag, UsageError } from './args.js';

/** Flags every job command takes to find the cluster (their help is in usage.ts). */
export const CLUSTER_FLAGS = {
  config: { type: 'string' },
  addresses: { type: 'string' },
  timeout: { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
} as const;

/** Environment variables standing in for `--ca`, `--cert` and `--key` (a flag wins). */
export const TLS_ENV = { ca: 'RAFTJOBS_TLS_CA', cert: 'RAFTJOBS_TLS_CERT', key: 'RAFTJOBS_TLS_KEY' } as const;

/** PEM file paths of `--ca`, `--cert` and `--key`. */
export type TlsFlags = { ca?: string | undefined; cert?: string | undefined; key?: string | undefined };

/** The TLS files to use: `--ca`, `--cert`, `--key`, else `RAFTJOBS_TLS_*`, else for the CA a `--config`'s `tls.caFile`. */
export function tlsFiles(values: TlsFlags, config: Config | null, env: NodeJS.ProcessEnv = process.env): TlsFlags {
  const pick = (name: keyof TlsFlags): string | undefined => values[name] ?? (env[TLS_ENV[name]] || undefined);
  return { ca: pick('ca') ?? config?.tls?.caFile, cert: pick('cert'), key: pick('key') };
}

/**
 * TLS from `--ca`, `--cert`, `--key` (or `RAFTJOBS_TLS_*`): PEM file paths. With none of them,
 * a `--config` whose cluster has a `tls` section still dials TLS, trusting that config's CA.
 * Undefined: plaintext. Unreadable files are reported together, before any call.
 */
export function tlsFromFlags(command: string, values: TlsFlags, config: Config | null, env: NodeJS.ProcessEnv = process.env): ClientTls | undefined {
  const { ca, cert, key } = tlsFiles(values, config, env);
  if ((cert === undefined) !== (key === undefined)) throw new UsageError(`${command}: give --cert and --key together (or ${TLS_ENV.cert} and ${TLS_ENV.key})`);
  if (ca === undefined && cert === undefined) return undefined;
  const problems: string[] = [];
  const read = (flag: string, path: string | undefined): Buffer | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      problems.push(`--${flag} ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
      return undefined;
    }
  };
  const tls = { ca: read('ca', ca), cert: read('cert', cert), key: read('key', key) };
  if (problems.length > 0) throw new RaftJobsError(ErrorCode.ConfigInvalid, `${command}: cannot read TLS files`, { problems });
  return { ...(tls.ca === undefined ? {} : { ca: tls.ca }), ...(tls.cert === undefined ? {} : { cert: tls.cert }), ...(tls.key === undefined ? {} : { key: tls.key }) };
}

/**
 * The CLI's fix for a TLS mismatch the SDK named (`details.tls`): which flag or variable to give,
 * and which file given is the wrong one.
 */
export function tlsFix(mismatch: TlsMismatch, files: TlsFlags): string {
  switch (mismatch) {
    case TlsMismatch.ServerSpeaksTls:
      return `pass --ca FILE (the cluster's ca.crt), or set ${TLS_ENV.ca}`;
    case TlsMismatch.ServerPlaintext:
      return `the node runs without TLS: leave out --ca, --cert and --key (and ${TLS_ENV.ca}, ${TLS_ENV.cert}, ${TLS_ENV.key})`;
    case TlsMismatch.UntrustedServer:
      return files.ca === undefined
        ? `the system's CAs do not include the cluster's: pass --ca FILE (the cluster's ca.crt), or set ${TLS_ENV.ca}`
        : `the node's certificate is not signed by the CA in ${files.ca}: pass the cluster's ca.crt as --ca`;
    case TlsMismatch.ServerCertificateExpired:
      return "the node's certificate must be reissued (raftjobs certs issue --node ID; the node picks it up without a restart)";
    case TlsMismatch.ServerIdentity:
      return "dial the node at a host its certificate names (the config's address), or reissue it with raftjobs certs issue --node ID --host HOST";
    case TlsMismatch.ClientCertificateRequired:
      return `the node requires a client certificate: pass --cert FILE and --key FILE (or set ${TLS_ENV.cert} and ${TLS_ENV.key}); raftjobs certs issue --client NAME makes a pair`;
    case TlsMismatch.ClientCertificateRefused:
      return `the node refused the client certificate${files.cert === undefined ? '' : ` in ${files.cert}`}: pass one issued by the cluster's CA and in date (raftjobs certs issue --client NAME)`;
  }
}

/** `err` with the CLI's fix for its TLS mismatch on a line of its own, or `err` unchanged. */
export function withTlsFix(err: unknown, files: TlsFlags): unknown {
  if (!isRaftJobsError(err) || err.details.tls === undefined) return err;
  return new RaftJobsError(err.code, `${err.message}\n  fix: ${tlsFix(err.details.tls, files)}`, err.details, { cause: err.cause });
}

/** The environment variable the CLI reads a token from when neither --token nor --token-file is given. */
export const TOKEN_ENV = 'RAFTJOBS_TOKEN';

export interface ClusterTarget {
  readonly nodes: readonly string[];
  /** Most jobs per submit call: the config's `limits.maxBatchSize`, else the default 1000. */
  readonly maxBatchSize: number;
  readonly deadlineMs: number;
  /** Undefined: plaintext. */
  readonly tls?: ClientTls;
  /** The files `tls` was read from, for naming them when a handshake fails. */
  readonly tlsFiles: TlsFlags;
  /** Channel credentials from `tls`. */
  readonly credentials: grpc.ChannelCredentials;
  /** Bearer token for a cluster with auth on (`--token`, `--token-file`, else `RAFTJOBS_TOKEN`). */
  readonly token?: string;
}

/**
 * The token named by `--token` or `--token-file` (its first line), else `RAFTJOBS_TOKEN`, else
 * none. `--token` is visible to other users in the process list: prefer the file or the variable.
 */
export function tokenFrom(command: string, values: { token?: string | undefined; 'token-file'?: string | undefined }, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  if (values.token !== undefined && values['token-file'] !== undefined) throw new UsageError(`${command}: give --token or --token-file, not both`);
  if (values.token !== undefined) {
    if (values.token === '') throw new UsageError(`${command}: --token must not be empty`);
    return values.token;
  }
  if (values['token-file'] !== undefined) {
    let text: string;
    try {
      text = readFileSync(values['token-file'], 'utf8');
    } catch (err) {
      throw new UsageError(`${command}: --token-file: cannot read ${values['token-file']}: ${(err as Error).message}`);
    }
    const token = text.split('\n')[0]?.trim() ?? '';
    if (token === '') throw new UsageError(`${command}: --token-file: ${values['token-file']} holds no token`);
    return token;
  }
  const fromEnv = env[TOKEN_ENV]?.trim();
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}


/** The node addresses and call deadline named by `--config` or `--addresses` and `--timeout`. */
export function clusterTarget(
  command: string,
  values: { config?: string | undefined; addresses?: string | undefined; timeout?: string | undefined; token?: string | undefined; 'token-file'?: string | undefined } & TlsFlags,
): ClusterTarget {
  const found = findCluster(command, values);
  const tls = tlsFromFlags(command, values, found.config);
  const token = tokenFrom(command, values);
  const { config, ...rest } = found;
  return { ...rest, credentials: clientCredentials(tls), tlsFiles: tlsFiles(values, config), ...(tls === undefined ? {} : { tls }), ...(token === undefined ? {} : { token }) };
}

function findCluster(
  command: string,
  values: { config?: string | undefined; addresses?: string | undefined; timeout?: string | undefined },
): { nodes: readonly string[]; maxBatchSize: number; deadlineMs: number; config: Config | null } {
  const deadlineMs = intFlag('timeout', values.timeout, 10_000, 1, 3_600_000);
  if (values.config !== undefined && values.addresses !== undefined) throw new UsageError(`${command}: give --config or --addresses, not both`);
  if (values.config !== undefined) {
    const config = loadConfig(values.config);
    return { nodes: config.nodes.map((n) => n.address), maxBatchSize: config.limits.maxBatchSize, deadlineMs, config };
  }
  if (values.addresses !== undefined) {
    const nodes = values.addresses
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    if (nodes.length === 0) throw new UsageError(`${command}: --addresses needs at least one host:port`);
    for (const a of nodes) {
      const parsed = parseHostPort(a);
      if (typeof parsed === 'string') throw new UsageError(`${command}: --addresses: ${parsed}`);
    }
    return { nodes, maxBatchSize: 1000, deadlineMs, config: null };
  }
  throw new UsageError(`${command}: --config FILE or --addresses HOST:PORT,... is required`);
}

export function clientFor(target: ClusterTarget): Client {
  // The TLS material rather than credentials made from it, so a failed handshake can be named.
  return new Client({ nodes: target.nodes, deadlineMs: target.deadlineMs, ...(target.tls !== undefined ? { tls: target.tls } : {}), ...(target.token !== undefined ? { token: target.token } : {}) });
}

/** Run `fn` with a client, closing it afterwards; a TLS refusal gets the CLI's fix (see `withTlsFix`). */
export async function withClient<T>(target: ClusterTarget, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = clientFor(target);
  try {
    return await fn(client);
  } catch (err) {
    throw withTlsFix(err, target.tlsFiles);
  } finally {
    client.close();
  }
}

/** Exactly one positional argument (a job id), or a usage error. */
export function onePositional(command: string, positionals: readonly string[], what = 'ID'): string {
  if (positionals.length !== 1 || positionals[0] === '') throw new UsageError(`${command}: expected one ${what}, got ${positionals.length === 0 ? 'none' : positionals.map((p) => JSON.stringify(p)).join(' ')}`);
  return positionals[0] as string;
}

/**
 * `--flag -5` as `--flag=-5` for the given flags, so a negative number reaches the flag's own range
 * check (with its clear message) instead of being taken for an unknown option.
 */
export function attachNegativeNumbers(argv: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = argv[i + 1];
    if (flags.includes(a.replace(/^--/, '')) && a.startsWith('--') && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}
