import { redisClient } from '../../src/redis';

/** The delays of the timers `fn` arms (synchronously), e.g. one that would keep the process alive. */
function delaysArmedBy(fn: () => void): number[] {
  const original = global.setTimeout;
  const delays: number[] = [];
  global.setTimeout = ((callback: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    return original(callback, ms);
  }) as typeof setTimeout;
  try {
    fn();
  } finally {
    global.setTimeout = original;
  }
  return delays;
}

describe('the gateway’s Redis clients', () => {
  // Only the timers the client arms are looked at: counting every pending timer of the process would
  // also count those of whatever else ran in this test process.
  it('stop at once after losing Redis (no long timer keeps the process alive)', async () => {
    const client = redisClient('redis://127.0.0.1:1', { retryStrategy: () => null });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow();
    const delays = delaysArmedBy(() => client.disconnect());
    expect(delays.length).toBeGreaterThan(0); // ioredis waits for the closed socket of the failed attempt
    expect(Math.max(...delays)).toBeLessThan(1_000); // its own default is 2 s
  });
});
