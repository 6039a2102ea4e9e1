/**
 * Follows `ValueRef`s across files once every file has been visited: imports through the
 * resolver and each file's exports (re-exports, `export *`, `export =`), calls to the
 * values their functions return, `new C().x` to class properties, and parameters to the
 * values passed in at call sites.
 */
import type { CollectorContext } from '../collector.js';
import type { CallFact, RouteFacts, ValueRef } from './route-facts.js';

export type Resolved = { kind: 'router' | 'function' | 'class' | 'param'; id: string };

const MAX_DEPTH = 24;

export class ValueResolver {
  private readonly paramArgs = new Map<string, ValueRef[]>();
  private readonly targets = new Map<string, string | undefined>();
  private readonly memo = new Map<string, Resolved[]>();
  private readonly active = new Set<string>();

  constructor(
    private readonly facts: RouteFacts,
    private readonly context: CollectorContext,
  ) {}

  /** Binds parameters to the arguments of the calls seen (only arguments that may be routers matter). */
  bindCalls(calls: readonly CallFact[]): void {
    for (const call of calls) {
      for (const fn of this.resolve(call.callee)) {
        const value = this.facts.values.get(fn.id);
        if (fn.kind !== 'function' || value?.kind !== 'function') continue;
        call.args.forEach((arg, index) => {
          const param = value.params[index];
          if (!arg || !param) return;
          if (!this.resolve(arg).some((resolved) => resolved.kind === 'router' || resolved.kind === 'param')) return;
          const bound = this.paramArgs.get(param) ?? [];
          bound.push(arg);
          this.paramArgs.set(param, bound);
        });
      }
    }
    // Parameters now resolve to what is passed in: forget what was resolved without that.
    this.memo.clear();
  }

  /** What a reference can evaluate to (memoised; a cycle resolves to nothing). */
  resolve(ref: ValueRef, depth = 0): Resolved[] {
    const key = refKey(ref);
    const cached = this.memo.get(key);
    if (cached) return cached;
    if (depth > MAX_DEPTH || this.active.has(key)) return [];
    this.active.add(key);
    const seen = new Set<string>();
    const result = this.compute(ref, depth).filter((item) => {
      const id = `${item.kind}:${item.id}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    this.active.delete(key);
    this.memo.set(key, result);
    return result;
  }

  private compute(ref: ValueRef, depth: number): Resolved[] {
    switch (ref.kind) {
      case 'local':
        return this.resolveLocal(ref.id, depth);
      case 'import': {
        const target = this.target(ref.from, ref.specifier);
        return target === undefined ? [] : this.resolveExport(target, ref.name, depth + 1);
      }
      case 'call':
        return this.resolve(ref.callee, depth + 1).flatMap((fn) => {
          const value = this.facts.values.get(fn.id);
          return fn.kind === 'function' && value?.kind === 'function'
            ? value.returns.flatMap((returned) => this.resolve(returned, depth + 1))
            : [];
        });
      case 'new':
        return this.resolve(ref.callee, depth + 1).filter((value) => value.kind === 'class');
      case 'member':
        return this.resolveMember(ref.object, ref.name, depth);
    }
  }

  private resolveLocal(id: string, depth: number): Resolved[] {
    const value = this.facts.values.get(id);
    if (!value) return [];
    switch (value.kind) {
      case 'router':
      case 'function':
      case 'class':
        return [{ kind: value.kind, id }];
      case 'alias': {
        const resolved = this.resolve(value.ref, depth + 1);
        if (value.fallback && !resolved.some((item) => item.kind === 'router')) return [{ kind: 'router', id }];
        return resolved;
      }
      case 'param': {
        const bound = this.paramArgs.get(id);
        if (!bound) return [{ kind: 'param', id }];
        return bound.flatMap((arg) => this.resolve(arg, depth + 1));
      }
    }
  }

  private resolveMember(object: ValueRef, name: string, depth: number): Resolved[] {
    if (object.kind === 'import' && (object.name === '*' || object.name === 'export=')) {
      const target = this.target(object.from, object.specifier);
      return target === undefined ? [] : this.resolveExport(target, name, depth + 1);
    }
    return this.resolve(object, depth + 1).flatMap((owner) => {
      const value = this.facts.values.get(owner.id);
      const member = value?.kind === 'class' ? value.members.get(name) : undefined;
      return member === undefined ? [] : this.resolveLocal(member, depth + 1);
    });
  }

  private resolveExport(file: string, name: string, depth: number): Resolved[] {
    if (depth > MAX_DEPTH || name === '*') return [];
    const exports = this.facts.exports.get(file);
    if (!exports) return [];
    const ref =
      name === 'default'
        ? (exports.names.get('default') ?? exports.names.get('export='))
        : name === 'export='
          ? (exports.names.get('export=') ?? exports.names.get('default'))
          : exports.names.get(name);
    if (ref) return this.resolve(ref, depth + 1);
    if (name === 'default' || name === 'export=') return [];
    for (const specifier of exports.stars) {
      const target = this.target(file, specifier);
      const found = target === undefined ? [] : this.resolveExport(target, name, depth + 1);
      if (found.length > 0) return found;
    }
    return [];
  }

  private target(from: string, specifier: string): string | undefined {
    const key = `${from}\u0000${specifier}`;
    if (!this.targets.has(key)) this.targets.set(key, this.context.resolveImport(from, specifier));
    return this.targets.get(key);
  }
}

function refKey(ref: ValueRef): string {
  switch (ref.kind) {
    case 'local':
      return ref.id;
    case 'import':
      return `import:${ref.from}\u0000${ref.specifier}\u0000${ref.name}`;
    case 'call':
      return `call(${refKey(ref.callee)})`;
    case 'new':
      return `new(${refKey(ref.callee)})`;
    case 'member':
      return `(${refKey(ref.object)}).${ref.name}`;
  }
}
