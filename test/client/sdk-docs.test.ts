import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { Client, ErrorCode, Worker } from '../../src/index.js';
import { statusOf } from '../../src/server/errors.js';

/*
 * Keeps docs/sdk.md honest: every name the package exports, every member of every exported type
 * (options, results, classes), every public method of Client and Worker, and every error code with
 * the server's gRPC status, has its entry there. The members are listed by the TypeScript compiler
 * from src/index.ts, so an option added to an interface without an entry fails here.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');
const DOC = readFileSync(join(ROOT, 'docs', 'sdk.md'), 'utf8');
const LINES = DOC.split('\n');

/** A line that documents `name`: a heading, table row or list item starting with it in backticks (`x`, `x(...)`, `client.x`). */
function entryLine(name: string): RegExp {
  return new RegExp(`^(?:#{2,6} |\\| |[-*] )\`(?:\\w+\\.)?${name.replace(/[$.[\]]/g, '\\$&')}(?![\\w$])`);
}

/** The lines of the section whose heading names `type` in backticks, up to the next heading of its level or above. */
function section(type: string): string[] | null {
  const start = LINES.findIndex((l) => /^#{2,6} /.test(l) && l.includes(`\`${type}\``));
  if (start < 0) return null;
  const level = /^#+/.exec(LINES[start] ?? '')?.[0].length ?? 2;
  let end = start + 1;
  while (end < LINES.length && !new RegExp(`^#{1,${level}} `).test(LINES[end] ?? '')) end++;
  return LINES.slice(start, end);
}

interface Exported {
  readonly name: string;
  /** Public members declared in src/ (properties, methods, accessors), or the values of a string-literal union. */
  readonly members: readonly string[];
}

/** What src/index.ts exports, as the compiler sees it. */
function exportedApi(): Exported[] {
  const entry = join(SRC, 'index.ts');
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`cannot read the exports of ${entry}`);
  return checker.getExportsOfModule(moduleSymbol).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const members = new Set<string>();
    if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) {
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      for (const part of type.isUnion() ? type.types : [type]) {
        if (part.isStringLiteral()) {
          members.add(part.value);
          continue;
        }
        for (const prop of checker.getPropertiesOfType(part)) {
          const decl = prop.declarations?.[0];
          // Members of Error, Uint8Array and the like are not ours to document.
          if (!decl || !decl.getSourceFile().fileName.startsWith(SRC)) continue;
          if (ts.getCombinedModifierFlags(decl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
          if (prop.name.startsWith('#')) continue;
          // A well-known symbol member (`__@asyncIterator@41` to the compiler) is written `[Symbol.asyncIterator]`.
          const known = /^__@(\w+)@\d+$/.exec(prop.name);
          members.add(known ? `[Symbol.${known[1]}]` : prop.name);
        }
      }
    }
    return { name: exported.name, members: [...members] };
  });
}

describe('docs/sdk.md', () => {
  const api = exportedApi();
  const byName = new Map(api.map((e) => [e.name, e]));

  it('reads the public surface (a check of this test itself)', () => {
    expect(byName.get('ClientOptions')?.members).toEqual(expect.arrayContaining(['nodes', 'deadlineMs', 'noQuorumMs']));
    expect(byName.get('WorkerOptions')?.members).toEqual(expect.arrayContaining(['queues', 'concurrency', 'handler', 'onError']));
    expect(byName.get('ListOptions')?.members).toEqual(expect.arrayContaining(['pageToken', 'deadlineMs', 'signal'])); // inherited from CallOptions
    expect(byName.get('JobState')?.members).toEqual(expect.arrayContaining(['ready', 'dead']));
    // Private members are left out: only what a user can call is required.
    expect(byName.get('Worker')?.members).not.toContain('shutdown');
    for (const name of ['Client', 'Worker', 'ErrorCode', 'RaftJobsError', 'SubmitOptions', 'WaitOptions', 'WorkerCloseOptions']) expect(byName.has(name)).toBe(true);
  });

  it('has an entry for every name the package exports', () => {
    const missing = api.filter((e) => !LINES.some((l) => entryLine(e.name).test(l))).map((e) => e.name);
    expect(missing, 'exported names without an entry (a heading, table row or list item starting with `Name`)').toEqual([]);
  });

  it('documents every member of every exported type in that type’s section', () => {
    const missing: string[] = [];
    for (const e of api) {
      if (e.members.length === 0) continue;
      const lines = section(e.name);
      if (lines === null) {
        missing.push(`${e.name}: no section (a heading with \`${e.name}\`)`);
        continue;
      }
      for (const m of e.members) if (!lines.some((l) => entryLine(m).test(l))) missing.push(`${e.name}.${m}`);
    }
    expect(missing, 'members without an entry in their type’s section').toEqual([]);
  });

  it('documents every public method of Client and Worker, as found at run time', () => {
    const missing: string[] = [];
    for (const [cls, declared] of [
      [Client, byName.get('Client')?.members ?? []],
      [Worker, byName.get('Worker')?.members ?? []],
    ] as const) {
      const lines = section(cls.name) ?? [];
      const runtime = Object.getOwnPropertyNames(cls.prototype).filter((n) => n !== 'constructor');
      // The compiler's public list and the prototype agree on every method (private ones are on the prototype too).
      const publicMethods = runtime.filter((n) => declared.includes(n));
      expect(publicMethods.length, `${cls.name}: public methods found on the prototype`).toBeGreaterThan(1);
      for (const m of publicMethods) if (!lines.some((l) => entryLine(m).test(l))) missing.push(`${cls.name}.${m}`);
    }
    expect(missing).toEqual([]);
  });

  it('has a row for every error code, with the gRPC status the server maps it to', () => {
    const rows = new Map<string, string>();
    for (const l of section('ErrorCode') ?? []) {
      const m = /^\| `([A-Z_]+)` \| `([A-Z_]+)` \|/.exec(l);
      if (m?.[1] !== undefined && m[2] !== undefined) rows.set(m[1], m[2]);
    }
    const codes: string[] = Object.values(ErrorCode);
    expect(codes.length).toBeGreaterThan(10);
    expect(codes.filter((code) => !rows.has(code)), 'codes without a row').toEqual([]);
    const wrong = Object.values(ErrorCode).filter((code) => rows.get(code) !== grpc.status[statusOf(code)]);
    expect(wrong.map((code) => `${code}: doc ${rows.get(code)}, server ${grpc.status[statusOf(code)]}`)).toEqual([]);
    expect([...rows.keys()].filter((code) => !codes.includes(code)), 'rows for codes that no longer exist').toEqual([]);
  });
});
