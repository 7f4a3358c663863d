// Lexical scopes for kernel variables. Bindings are mutable cells so that
// control-flow lowering can snapshot every visible variable, lower a branch
// or loop body, see which cells changed, and restore them.

import type { SemVal } from './values.js';

export interface Binding {
  readonly name: string;
  readonly isConst: boolean;
  value: SemVal;
}

export class Scope {
  private readonly vars = new Map<string, Binding>();

  constructor(readonly parent: Scope | null) {}

  declare(name: string, value: SemVal, isConst: boolean): Binding {
    const binding: Binding = { name, isConst, value };
    this.vars.set(name, binding);
    return binding;
  }

  hasOwn(name: string): boolean {
    return this.vars.has(name);
  }

  lookup(name: string): Binding | undefined {
    return this.vars.get(name) ?? this.parent?.lookup(name);
  }

  /** Every binding visible from here (inner shadows outer). */
  visible(): Binding[] {
    const seen = new Map<string, Binding>();
    for (let s: Scope | null = this; s; s = s.parent)
      for (const [name, b] of s.vars) if (!seen.has(name)) seen.set(name, b);
    return [...seen.values()];
  }

  names(): string[] {
    return this.visible().map((b) => b.name);
  }
}

export type Snapshot = Map<Binding, SemVal>;

export function snapshot(scope: Scope): Snapshot {
  return new Map(scope.visible().map((b) => [b, b.value]));
}

export function restore(snap: Snapshot): void {
  for (const [binding, value] of snap) binding.value = value;
}
