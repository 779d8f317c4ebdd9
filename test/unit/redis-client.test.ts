import { redisClient } from '../../src/redis';

const pendingTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('the gateway’s Redis clients', () => {
  it('stop at once after losing Redis (no timer keeps the process alive)', async () => {
    const client = redisClient('redis://127.0.0.1:1', { retryStrategy: () => null });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow();
    const before = pendingTimers();
    client.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pendingTimers()).toBeLessThanOrEqual(before);
  });
});
