import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

/** Streams to hand a command, and what was written to them so far. */
export function captured(): { out: PassThrough; err: PassThrough; stdout: () => string; stderr: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  return { out, err, stdout: () => stdout, stderr: () => stderr };
}

/** Runs the CLI's `main` in this process; returns its exit code and what it wrote. */
export async function runMain(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captured();
  const code = await main(args, io.out, io.err);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}
