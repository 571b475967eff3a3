import type { Writable } from 'node:stream';
import { generateToken, hashToken, ROLES, type Role, type TokenConfig } from '../config/index.js';
import { parseFlags, requireFlag, UsageError } from './args.js';

/** Token names as the config accepts them (src/config/auth.ts). */
const NAME = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * `raftjobs token create --name NAME --roles ROLE[,ROLE] [--json]`: make a token and print it once,
 * with the entry (its SHA-256, never the token) to add to `auth.tokens` or the tokens file. The
 * cluster cannot show the token again: it keeps only the hash.
 */
export function tokenCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values, positionals } = parseFlags('token', argv, { name: { type: 'string' }, roles: { type: 'string' }, json: { type: 'boolean', default: false } }, true);
  if (positionals.length !== 1 || positionals[0] !== 'create') throw new UsageError(`token: expected the subcommand create, got ${positionals.length === 0 ? 'none' : positionals.map((p) => JSON.stringify(p)).join(' ')}`);
  const name = requireFlag('token', 'name', values.name);
  if (!NAME.test(name)) throw new UsageError(`token: --name must be 1-64 letters, digits, ".", "_", "-" or "@", got ${JSON.stringify(name)}`);
  const roles = requireFlag('token', 'roles', values.roles)
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (roles.length === 0 || unknown.length > 0) throw new UsageError(`token: --roles must list some of ${ROLES.join(', ')}${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}`);
  const token = generateToken();
  const entry: TokenConfig = { name, hash: hashToken(token), roles: [...new Set(roles as Role[])] };
  if (values.json) {
    out.write(JSON.stringify({ token, entry }) + '\n');
    return Promise.resolve(0);
  }
  out.write(
    [
      `token: ${token}`,
      '',
      'It is shown only this once: give it to its holder now (as RAFTJOBS_TOKEN, --token-file or the SDK\'s token option).',
      'Add this entry to "auth.tokens" in the cluster config, or to "tokens" in the auth.tokensFile (then send the nodes SIGHUP):',
      '',
      `  ${JSON.stringify(entry)}`,
      '',
    ].join('\n'),
  );
  return Promise.resolve(0);
}
