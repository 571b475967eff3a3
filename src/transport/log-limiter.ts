import type { Logger } from 'pino';

/**
 * Logs a warning at most once per `intervalMs` per key, with the number of occurrences it swallowed
 * in between, so a misconfigured or hostile peer cannot flood the log with one line per message.
 */
export class LogLimiter {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly intervalMs = 10_000,
  ) {}

  /** Log `msg` with `fields` at `warn` unless `key` was logged within the interval. */
  warn(key: string, fields: Record<string, unknown>, msg: string): void {
    const t = this.now();
    const seen = this.last.get(key);
    if (seen !== undefined && t - seen.at < this.intervalMs) {
      seen.suppressed += 1;
      return;
    }
    const suppressed = seen?.suppressed ?? 0;
    this.last.set(key, { at: t, suppressed: 0 });
    if (this.last.size > 1000) this.forgetOldest();
    this.logger.warn(suppressed > 0 ? { ...fields, suppressed } : fields, msg);
  }

  private forgetOldest(): void {
    const oldest = this.last.keys().next();
    if (oldest.done !== true) this.last.delete(oldest.value);
  }
}
