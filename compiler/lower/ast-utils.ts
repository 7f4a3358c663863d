// Small syntactic queries over the kernel AST that lowering needs before it
// lowers a construct: which variables a loop body assigns (they become
// loop-carried values), whether a statement can return (early-return
// rewriting), and "did you mean" suggestions for unknown names.

import type { Span } from '../errors.js';
import type { Expr, Stmt } from '../frontend/ast.js';

/** The first `return` statement inside `stmt` (for errors that point at it). */
export function findReturn(stmt: Stmt): (Stmt & { kind: 'return' }) | undefined {
  switch (stmt.kind) {
    case 'return':
      return stmt;
    case 'block':
      for (const s of stmt.body) {
        const r = findReturn(s);
        if (r) return r;
      }
      return undefined;
    case 'if':
      return findReturn(stmt.consequent) ?? (stmt.alternate ? findReturn(stmt.alternate) : undefined);
    case 'for':
    case 'forOf':
      return findReturn(stmt.body);
    default:
      return undefined;
  }
}

/**
 * Outer variables a statement assigns (`=`, `+=`, `++`...; not ones it
 * declares itself), each with the span of its first assignment.
 */
export function assignments(stmt: Stmt): Map<string, Span> {
  const assigned = new Map<string, Span>();
  const note = (name: string, span: Span): void => {
    if (!assigned.has(name)) assigned.set(name, span);
  };
  const visitExpr = (e: Expr | undefined, declared: ReadonlySet<string>): void => {
    if (!e) return;
    switch (e.kind) {
      case 'assign':
        visitExpr(e.value, declared);
        if (e.target.kind === 'identifier' && !declared.has(e.target.name)) note(e.target.name, e.span);
        return;
      case 'update':
        if (e.target.kind === 'identifier' && !declared.has(e.target.name)) note(e.target.name, e.span);
        return;
      case 'binary':
        visitExpr(e.left, declared);
        visitExpr(e.right, declared);
        return;
      case 'unary':
        visitExpr(e.operand, declared);
        return;
      case 'conditional':
        visitExpr(e.test, declared);
        visitExpr(e.consequent, declared);
        visitExpr(e.alternate, declared);
        return;
      case 'call':
        visitExpr(e.callee, declared);
        e.args.forEach((x) => visitExpr(x, declared));
        return;
      case 'member':
        visitExpr(e.object, declared);
        return;
      case 'index':
        visitExpr(e.object, declared);
        visitExpr(e.index, declared);
        return;
      case 'array':
        e.elements.forEach((x) => visitExpr(x, declared));
        return;
      case 'object':
        e.properties.forEach((p) => visitExpr(p.value, declared));
        return;
      default:
        return;
    }
  };
  const visit = (s: Stmt, declared: Set<string>): void => {
    switch (s.kind) {
      case 'declare':
        s.declarations.forEach((d) => {
          visitExpr(d.init, declared);
          declared.add(d.name);
        });
        return;
      case 'expression':
        visitExpr(s.expr, declared);
        return;
      case 'if':
        visitExpr(s.test, declared);
        visit(s.consequent, new Set(declared));
        if (s.alternate) visit(s.alternate, new Set(declared));
        return;
      case 'for': {
        const inner = new Set(declared);
        if (s.init) visit(s.init, inner);
        visitExpr(s.test, inner);
        visitExpr(s.update, inner);
        visit(s.body, inner);
        return;
      }
      case 'forOf': {
        visitExpr(s.iterable, declared);
        const inner = new Set(declared);
        inner.add(s.name);
        visit(s.body, inner);
        return;
      }
      case 'block': {
        const inner = new Set(declared);
        s.body.forEach((x) => visit(x, inner));
        return;
      }
      case 'return':
        visitExpr(s.value, declared);
        return;
      default:
        return;
    }
  };
  // Each block scope sees the names declared before it in enclosing scopes;
  // an assignment to one of those is local, not to the outer variable.
  visit(stmt, new Set());
  return assigned;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest known name, if it is close enough to be a likely typo. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = k.toLowerCase() === name.toLowerCase() ? 0.5 : editDistance(name, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  // Replacing every character of a short name is not a typo ('k' is not 'x').
  const close = bestDistance <= Math.max(1, Math.floor(name.length / 3)) && bestDistance < name.length;
  return close ? best : undefined;
}
