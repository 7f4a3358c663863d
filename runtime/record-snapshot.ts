// A shallow snapshot of a plain object's own enumerable entries, to tell
// cheaply whether a launch passes exactly what an earlier one passed: the
// same keys in the same order with identical (===) values. Used by the warm
// launch paths (runtime/dispatch.ts, compiler/launch-memo.ts), which reuse
// validated work only when the arguments are unchanged, so a caller that
// mutates its argument object between launches is always seen.

export class RecordSnapshot {
  private readonly keys: string[] = [];
  private readonly values: unknown[] = [];

  /** `ignore`: keys whose values do not matter (left out of the snapshot and the comparison). */
  constructor(
    record: object,
    private readonly ignore?: ReadonlySet<string>,
  ) {
    for (const key in record) {
      if (!Object.hasOwn(record, key) || ignore?.has(key) === true) continue;
      this.keys.push(key);
      this.values.push(Reflect.get(record, key));
    }
  }

  /** Same keys, same order, identical values. */
  matches(record: object): boolean {
    const { keys, values, ignore } = this;
    let i = 0;
    for (const key in record) {
      if (!Object.hasOwn(record, key) || ignore?.has(key) === true) continue;
      if (keys[i] !== key || values[i] !== Reflect.get(record, key)) return false;
      i++;
    }
    return i === keys.length;
  }
}
