import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Client authentication: bearer tokens with roles. A token is a secret of 32 random bytes
 * (base64url, after the recognisable prefix `rjt_`, so a leaked one is easy to spot in a log or a
 * repository scan). The config holds only its SHA-256: a fast hash is the right one here, because
 * a token is 256 bits of randomness, not a password a person chose, so no dictionary or brute force
 * can invert it however fast each guess is; a slow password hash (bcrypt, scrypt) would only cost
 * every request its time.
 */

/**
 * What a token may do. `submit`: submit jobs and write schedules; `work`: run a worker; `read`:
 * read jobs, schedules, stats and node status; `admin`: everything, including cancel, retry of dead
 * jobs, schedule deletion, snapshots and leadership transfer.
 */
export const ROLES = ['submit', 'work', 'read', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Prefix of every token `raftjobs token create` makes. */
export const TOKEN_PREFIX = 'rjt_';
/** Prefix of a token's stored hash. */
export const HASH_PREFIX = 'sha256:';
/** Token names: letters, digits, `.`, `_`, `-` and `@`, 1..64 characters. */
export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
const HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** A new token: `rjt_` and 32 random bytes, base64url (47 characters). Shown once; store its hash. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The stored form of a token: `sha256:` and the hex SHA-256 of its UTF-8 bytes. */
export function hashToken(token: string): string {
  return HASH_PREFIX + createHash('sha256').update(token, 'utf8').digest('hex');
}

/** One token as the config lists it. */
export interface TokenConfig {
  /** Who holds it; shown in logs and the dashboard, never the token itself. */
  readonly name: string;
  /** `sha256:<64 hex digits>` (see `hashToken`). */
  readonly hash: string;
  readonly roles: readonly Role[];
}

/** One token entry, as the config and a tokens file spell it. */
export const TokenSchema = z.strictObject({
  name: z.string().regex(TOKEN_NAME_PATTERN, { error: 'must be 1-64 letters, digits, ".", "_", "-" or "@"' }),
  hash: z.string().regex(HASH_PATTERN, { error: 'must be "sha256:" and 64 lower-case hex digits (raftjobs token create prints it)' }),
  roles: z.array(z.enum(ROLES)).min(1),
});

/** A file named by `auth.tokensFile`: `{ "tokens": [ ... ] }`. */
export const TokensFileSchema = z.strictObject({ tokens: z.array(TokenSchema) });

/** Who a valid token belongs to. */
export interface Identity {
  readonly name: string;
  readonly roles: readonly Role[];
}

/** Whether `identity` may act in `role` (`admin` may do everything). */
export function hasRole(identity: Identity, role: Role): boolean {
  return identity.roles.includes('admin') || identity.roles.includes(role);
}

/** The token of an `Authorization: Bearer <token>` value, or null. */
export function bearerToken(header: string | undefined | null): string | null {
  if (header === undefined || header === null) return null;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return m?.[1] ?? null;
}

/** Problems that span the token entries: a name or hash given twice. */
export function tokenListProblems(tokens: readonly TokenConfig[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const hashes = new Set<string>();
  for (const t of tokens) {
    if (names.has(t.name)) problems.push(`token name ${JSON.stringify(t.name)} is given twice`);
    if (hashes.has(t.hash)) problems.push(`token ${JSON.stringify(t.name)} has the hash of another token`);
    names.add(t.name);
    hashes.add(t.hash);
  }
  return problems;
}

/** What reading a tokens file gave: its tokens, or every problem (each prefixed with its JSON path). */
export type TokensFileResult = { readonly ok: true; readonly tokens: readonly TokenConfig[] } | { readonly ok: false; readonly problems: readonly string[] };

/** Read and check a tokens file (`auth.tokensFile`). Never throws. */
export function readTokensFile(path: string): TokensFileResult {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    return { ok: false, problems: [`cannot read ${path}: ${reason}`] };
  }
  const parsed = TokensFileSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${path}: ${i.path.map(String).join('.') || '(root)'}: ${i.message}`) };
  }
  return { ok: true, tokens: parsed.data.tokens };
}

/**
 * The tokens a node accepts. A presented token is hashed and compared with every entry's hash in
 * constant time, without stopping at a match, so the answer's timing says nothing about which
 * entry, if any, came close.
 */
export class TokenTable {
  private readonly entries: readonly { readonly hash: Buffer; readonly identity: Identity }[];

  constructor(tokens: readonly TokenConfig[]) {
    this.entries = tokens.map((t) => ({ hash: Buffer.from(t.hash.slice(HASH_PREFIX.length), 'hex'), identity: { name: t.name, roles: [...t.roles] } }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The holder of `token`, or null for an unknown one. */
  authenticate(token: string): Identity | null {
    const presented = createHash('sha256').update(token, 'utf8').digest();
    let found: Identity | null = null;
    for (const e of this.entries) if (timingSafeEqual(presented, e.hash)) found = e.identity;
    return found;
  }
}

/** A problem at a config path (the shape of src/config/rules.ts's findings). */
interface AuthFinding {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * The `auth` section's rules that span fields or read a file, on the unvalidated data: the tokens
 * file must read and check (its path resolves against `baseDir`, the config file's directory),
 * names and hashes must be unique over the inline and file tokens, and auth that is on needs a
 * token. Returns the file's tokens for `build` when they read.
 */
export function authFindings(raw: unknown, baseDir: string): { readonly problems: AuthFinding[]; readonly tokensFile: string | null; readonly fileTokens: readonly TokenConfig[] } {
  const auth = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['auth'] : undefined;
  const problems: AuthFinding[] = [];
  if (typeof auth !== 'object' || auth === null) return { problems, tokensFile: null, fileTokens: [] };
  const a = auth as Record<string, unknown>;
  const inline = z.array(TokenSchema).safeParse(a['tokens'] ?? []);
  let tokensFile: string | null = null;
  let fileTokens: readonly TokenConfig[] = [];
  let fileOk = true;
  if (typeof a['tokensFile'] === 'string' && a['tokensFile'] !== '') {
    tokensFile = resolve(baseDir, a['tokensFile']);
    const read = readTokensFile(tokensFile);
    if (read.ok) fileTokens = read.tokens;
    else {
      fileOk = false;
      problems.push(...read.problems.map((message) => ({ path: ['auth', 'tokensFile'], message })));
    }
  }
  if (inline.success && fileOk) {
    problems.push(...tokenListProblems([...inline.data, ...fileTokens]).map((message) => ({ path: ['auth', 'tokens'], message })));
    if (a['enabled'] === true && inline.data.length + fileTokens.length === 0) {
      problems.push({ path: ['auth', 'enabled'], message: 'auth is on but no token is configured (auth.tokens or auth.tokensFile): nobody could call the cluster; raftjobs token create makes one' });
    }
  }
  return { problems, tokensFile, fileTokens };
}
