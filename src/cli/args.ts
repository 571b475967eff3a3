import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ErrorCode, RaftJobsError } from '../errors/index.js';

/** Parse a subcommand's flags strictly; unknown flags and missing values are usage errors. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: readonly string[],
  options: T,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ options: T; allowPositionals: boolean; strict: true; args: string[] }>> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(`${command}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Bad command-line usage: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An integer flag within bounds, or a usage error naming the flag. */
export function intFlag(name: string, value: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A required string flag. */
export function requireFlag(command: string, name: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`${command}: --${name} is required`);
  return value;
}

export function configError(message: string): RaftJobsError {
  return new RaftJobsError(ErrorCode.ConfigInvalid, message);
}
