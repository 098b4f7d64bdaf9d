import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../../src/api/pubsub/bounded-queue.ts';

describe('a subscriber buffer', () => {
  it('hands events to a waiting consumer and buffers the rest in order', async () => {
    const queue = new BoundedQueue<number>({ capacity: 3 });
    const first = queue.next();
    queue.push(1);
    queue.push(2);
    queue.push(3);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await queue.next()).toEqual({ value: 2, done: false });
    expect(queue.size).toBe(1);
  });

  it('keeps only accepted events', async () => {
    const queue = new BoundedQueue<number>({ capacity: 3, accept: (n) => n % 2 === 0 });
    [1, 2, 3, 4].forEach((n) => queue.push(n));
    expect(await queue.next()).toEqual({ value: 2, done: false });
    expect(await queue.next()).toEqual({ value: 4, done: false });
  });

  it('cuts off a consumer that falls a whole buffer behind, without blocking the publisher', async () => {
    let overflows = 0;
    let closes = 0;
    const queue = new BoundedQueue<number>({ capacity: 2, onOverflow: () => overflows++, onClose: () => closes++ });
    for (let n = 0; n < 10; n++) queue.push(n); // never awaits
    expect(queue.overflowed).toBe(true);
    expect(overflows).toBe(1);
    expect(closes).toBe(1);
    expect(await queue.next()).toEqual({ value: 0, done: false });
    expect(await queue.next()).toEqual({ value: 1, done: false });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it('ends at once on return(), also with a next() pending', async () => {
    let closes = 0;
    const queue = new BoundedQueue<number>({ capacity: 2, onClose: () => closes++ });
    const pending = queue.next();
    await queue.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    queue.push(1);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    expect(closes).toBe(1);
  });
});
