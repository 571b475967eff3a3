/**
 * The two ways `npm run rolling-restart` restarts a node: a command of the operator's (systemd,
 * ssh, docker: whatever runs the node), or the `npm start` launcher's control socket for a local
 * cluster (scripts/launcher-control.ts).
 */
import { spawn } from 'node:child_process';
import type { MemberInfo } from '../../src/client/index.js';
import { parseHostPort } from '../../src/config/index.js';
import { shellWord } from '../cluster-output.js';
import { launcherNodes, restartThroughLauncher } from '../launcher-control.js';
import type { Restarter } from './procedure.js';

/** The placeholders a restart command may use, each replaced by a shell word. */
export const PLACEHOLDERS = ['id', 'host', 'port', 'address'] as const;

/**
 * The command `template` for `member`: `{id}`, `{host}`, `{port}` and `{address}` (host:port, the
 * member's gRPC address) replaced, each quoted for the shell when it needs it.
 *
 * @throws Error for an unknown placeholder, or a template naming no node at all (it would
 *   restart the same thing every time).
 */
export function restartCommand(template: string, member: Pick<MemberInfo, 'id' | 'address'>): string {
  checkTemplate(template);
  const hp = parseHostPort(member.address);
  const values: Record<(typeof PLACEHOLDERS)[number], string> = {
    id: member.id,
    host: typeof hp === 'string' ? member.address : hp.host,
    port: typeof hp === 'string' ? '' : String(hp.port),
    address: member.address,
  };
  return template.replace(/\{([a-z]+)\}/g, (_, name: keyof typeof values) => shellWord(values[name]));
}

/** Throws unless `template` uses known placeholders only, and at least one of them. */
export function checkTemplate(template: string): void {
  const used = [...template.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1] as string);
  const unknown = used.filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`--restart: unknown placeholder(s) ${unknown.map((n) => `{${n}}`).join(', ')}; use ${PLACEHOLDERS.map((n) => `{${n}}`).join(', ')}`);
  if (used.length === 0) throw new Error(`--restart: the command names no node; use ${PLACEHOLDERS.map((n) => `{${n}}`).join(', ')} (e.g. 'ssh {host} sudo systemctl restart raftjobs@{id}')`);
}

/**
 * Runs the operator's command for each member through `/bin/sh -c`, its output on our stderr; it
 * must exit 0 within `timeoutMs`. A command that returns before the node is back (`systemctl
 * restart` of a unit without a readiness check, `docker restart`) is fine: the procedure waits.
 */
export function commandRestarter(template: string, o: { readonly timeoutMs: number; readonly log: (line: string) => void }): Restarter {
  checkTemplate(template);
  return (member) =>
    new Promise<void>((resolve, reject) => {
      const command = restartCommand(template, member);
      o.log(`$ ${command}`);
      const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 2, 2] });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${command}: still running after ${o.timeoutMs} ms; killed`));
      }, o.timeoutMs);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`${command}: ${signal !== null ? `killed by ${signal}` : `exit code ${String(code)}`}`));
      });
    });
}

/**
 * Restarts nodes of a local cluster through its launcher's control socket (`npm start` listens on
 * `<dataDir>/launcher.sock`). Checks first that the launcher runs every member in `ids`.
 */
export async function launcherRestarter(socketPath: string, ids: readonly string[], timeoutMs: number): Promise<Restarter> {
  const running = await launcherNodes(socketPath, timeoutMs);
  const missing = ids.filter((id) => !running.some((n) => n.id === id && n.pid !== null));
  if (missing.length > 0) throw new Error(`the launcher at ${socketPath} does not run ${missing.join(', ')} (it runs ${running.filter((n) => n.pid !== null).map((n) => n.id).join(', ') || 'nothing'}); restart those yourself, or use --restart`);
  return async (member) => {
    await restartThroughLauncher(socketPath, member.id, timeoutMs);
  };
}
