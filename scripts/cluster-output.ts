import { isAbsolute, relative } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** Splits a byte stream into lines, keeping a bounded partial line between chunks. */
export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  #partial = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineChars = 64 * 1024,
  ) {}

  push(chunk: Buffer | string): void {
    const text = this.#partial + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    if (this.#partial.length > this.maxLineChars) {
      lines.push(this.#partial);
      this.#partial = '';
    }
    for (const line of lines) this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  /** Emits whatever is left once the stream ended. */
  end(): void {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    if (rest !== '') this.onLine(rest);
  }
}

/** The last `capacity` lines seen. */
export class TailBuffer {
  readonly #lines: string[] = [];

  constructor(private readonly capacity = 20) {}

  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.capacity) this.#lines.shift();
  }

  lines(): readonly string[] {
    return this.#lines;
  }
}

const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Parses a pino JSON line; undefined for anything else (a stack trace on stderr, say). */
export function parseLogLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return asRecord(JSON.parse(line));
  } catch {
    return undefined;
  }
}

/** Renders a pino JSON line as `12:00:01.234 ERROR msg: err.message`; other text unchanged. */
export function formatLogLine(line: string): string {
  const record = parseLogLine(line);
  if (record === undefined || typeof record['msg'] !== 'string') return line;
  const time = typeof record['time'] === 'string' ? record['time'].slice(11, 23) : '';
  const level = typeof record['level'] === 'number' ? (LEVEL_NAMES[record['level']] ?? String(record['level'])) : '';
  const err = asRecord(record['err']);
  const reason = typeof err?.['message'] === 'string' ? `: ${err['message']}` : '';
  return [time, level, `${record['msg']}${reason}`].filter((s) => s !== '').join(' ');
}

/** `path` relative to `cwd` when it lies inside it, else absolute: what an operator would type. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Quotes a shell word only when it needs it. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
