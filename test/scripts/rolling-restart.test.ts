import { describe, expect, it } from 'vitest';
import { checkTemplate, commandRestarter, restartCommand } from '../../scripts/rolling-restart/restarters.js';

const member = { id: 'n2', address: 'raft2.example:7001', role: 'voter' as const, incarnation: 7, matchIndex: 10, refused: false };

describe('rolling-restart --restart COMMAND', () => {
  it('fills in the member, quoting for the shell what needs it', () => {
    expect(restartCommand('ssh {host} sudo systemctl restart raftjobs@{id}', member)).toBe('ssh raft2.example sudo systemctl restart raftjobs@n2');
    // Brackets are a glob to the shell.
    expect(restartCommand('restart {address} {host} {port}', { id: 'n1', address: '[::1]:7001' })).toBe(`restart '[::1]:7001' ::1 7001`);
    expect(restartCommand('echo {id}', { id: "it's", address: 'h:1' })).toBe(`echo 'it'\\''s'`);
  });

  it('refuses unknown placeholders and a command that names no node', () => {
    expect(() => checkTemplate('systemctl restart raftjobs@{node}')).toThrow(/unknown placeholder\(s\) \{node\}/);
    expect(() => checkTemplate('systemctl restart raftjobs')).toThrow(/names no node/);
  });

  it('runs the command through the shell and fails on a non-zero exit', async () => {
    const lines: string[] = [];
    const restart = commandRestarter('test {id} = n2', { timeoutMs: 10_000, log: (l) => lines.push(l) });
    await expect(restart(member)).resolves.toBeUndefined();
    await expect(restart({ ...member, id: 'n3' })).rejects.toThrow('test n3 = n2: exit code 1');
    expect(lines).toEqual(['$ test n2 = n2', '$ test n3 = n2']);
  });
});
