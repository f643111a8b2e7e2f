// SPDX-License-Identifier: Apache-2.0
// An unbounded async queue: producers push() and end(), one consumer reads it with for-await.
// Used to turn WebSocket message events into an async iterable.

/**
 * A push-based async iterable. Values pushed before anyone reads are buffered; end() lets the
 * reader finish after draining, fail() makes it throw.
 *
 * @example
 * const s = new MessageStream<number>(); s.push(1); s.end();
 * for await (const v of s) console.log(v)
 */
export class MessageStream<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private readonly waiting: {
    resolve: (r: IteratorResult<T>) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private done = false;
  private error: unknown = undefined;
  private readonly onReturn: (() => void) | undefined;

  /** `onReturn` runs once when the reader stops early (break, return) or the stream ends. */
  constructor(onReturn?: () => void) {
    this.onReturn = onReturn;
  }

  push(value: T): void {
    if (this.done) return;
    const w = this.waiting.shift();
    if (w) w.resolve({ value, done: false });
    else this.queue.push(value);
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    for (const w of this.waiting.splice(0)) w.resolve({ value: undefined, done: true });
    this.onReturn?.();
  }

  fail(err: unknown): void {
    if (this.done) return;
    this.error = err;
    this.done = true;
    for (const w of this.waiting.splice(0)) w.reject(err);
    this.onReturn?.();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length > 0) {
      return Promise.resolve({ value: this.queue.shift() as T, done: false });
    }
    if (this.done) {
      return this.error === undefined
        ? Promise.resolve({ value: undefined, done: true })
        : Promise.reject(this.error);
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.queue.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
