import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { Identity } from '../tls/index.js';
import { intFlag, parseFlags, requireFlag, UsageError } from './args.js';
import { initCa, issueCertificate } from './certs.js';

/**
 * `raftjobs certs init --dir DIR` and `raftjobs certs issue --dir DIR (--node ID [--host H]... |
 * --client NAME | --worker NAME)`: the cluster CA and the certificates it signs (src/cli/certs.ts).
 */
export async function certsCommand(argv: readonly string[], out: Writable): Promise<number> {
  const { values, positionals } = parseFlags(
    'certs',
    argv,
    {
      dir: { type: 'string' },
      node: { type: 'string' },
      client: { type: 'string' },
      worker: { type: 'string' },
      host: { type: 'string', multiple: true },
      days: { type: 'string' },
    },
    true,
  );
  const [sub, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`certs: unexpected ${extra.map((e) => JSON.stringify(e)).join(' ')}`);
  const dir = resolve(requireFlag('certs', 'dir', values.dir));
  const days = values.days === undefined ? undefined : intFlag('days', values.days, 0, 1, 36_500);
  const whos: Identity[] = [];
  if (values.node !== undefined) whos.push({ kind: 'node', name: values.node });
  if (values.client !== undefined) whos.push({ kind: 'client', name: values.client });
  if (values.worker !== undefined) whos.push({ kind: 'worker', name: values.worker });
  if (sub === 'init') {
    if (whos.length > 0 || values.host !== undefined) throw new UsageError('certs init: takes only --dir and --days');
    const files = await initCa(dir, days === undefined ? {} : { days });
    out.write(`wrote ${files.cert} and ${files.key} (0600; keep it off the nodes once their certificates are issued)\n`);
    return 0;
  }
  if (sub === 'issue') {
    const who = whos[0];
    if (who === undefined || whos.length > 1) throw new UsageError('certs issue: give exactly one of --node ID, --client NAME, --worker NAME');
    if (values.host !== undefined && who.kind !== 'node') throw new UsageError('certs issue: --host is for --node only');
    const files = await issueCertificate(dir, { who, ...(values.host === undefined ? {} : { hosts: values.host }), ...(days === undefined ? {} : { days }) });
    out.write(`wrote ${files.cert} and ${files.key} (0600)\n`);
    return 0;
  }
  throw new UsageError(`certs: expected init or issue, got ${sub === undefined ? 'nothing' : JSON.stringify(sub)}`);
}
