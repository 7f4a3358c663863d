// Keeps the device's queue operations in the order the program issued them.
//
// Why this exists: a launch whose pipeline is still being created (async, slow
// on first use) cannot be submitted yet, but the program has already moved on
// and may call `tensor.write()` or `tensor.read()`. Submitting those first would
// make the read miss the launch's result, or the launch see the new data. So
// every queue operation goes through one `SubmissionOrder` per device: when
// nothing is pending it runs synchronously (the common, warm case costs nothing
// extra); otherwise it waits behind the earlier operations.

export class SubmissionOrder {
  /** Settles when the last scheduled operation has run; null when nothing is pending. */
  private tail: Promise<void> | null = null;

  /** True when an operation can be issued to the queue right now. */
  get idle(): boolean {
    return this.tail === null;
  }

  /**
   * Runs `op` after every earlier scheduled operation and after `waitFor`
   * settles. Runs it synchronously when nothing is pending and there is nothing
   * to wait for. If `waitFor` rejects, `op` is skipped and the returned promise
   * rejects with that reason; later operations still run. If `op` returns a
   * promise, later operations wait for it too, so return promises only for
   * work that must finish before the next queue operation.
   */
  schedule<T>(op: () => T): Promise<Awaited<T>>;
  /** As above, and `op` receives what `waitFor` resolved to. */
  schedule<T, W>(op: (waited: W) => T, waitFor: Promise<W>): Promise<Awaited<T>>;
  schedule<T, W>(op: (waited: W | undefined) => T, waitFor?: Promise<W>): Promise<Awaited<T>> {
    if (this.tail === null && waitFor === undefined) {
      try {
        return Promise.resolve(op(undefined));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const previous = this.tail ?? Promise.resolve();
    const result = previous.then(() => waitFor).then((waited) => Promise.resolve(op(waited)));
    // One failed operation must not stall the ones queued behind it.
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.tail = settled;
    void settled.then(() => {
      if (this.tail === settled) this.tail = null;
    });
    return result;
  }
}
