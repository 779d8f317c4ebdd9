import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from '../../src/config';

const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/nonexistent' };

describe('GATEWAY_WORKERS', () => {
  it.each([
    [undefined, 1],
    ['', 1],
    ['1', 1],
    ['3', 3],
    ['auto', availableParallelism()],
    ['AUTO', availableParallelism()],
  ])('reads %p as %p worker process(es)', (raw, workers) => {
    expect(loadConfig({ ...base, GATEWAY_WORKERS: raw, RATE_LIMIT_MULTIPLIER: '0' }).workers).toBe(workers);
  });

  it.each(['0', '-2', '1.5', 'many'])('refuses %p with a message naming the setting', (raw) => {
    expect(() => loadConfig({ ...base, GATEWAY_WORKERS: raw })).toThrow(new ConfigError(`GATEWAY_WORKERS must be a number of processes (1 or more) or "auto", got "${raw}"`));
  });

  it('refuses several workers without Redis while the request rate limits are on', () => {
    expect(() => loadConfig({ ...base, GATEWAY_WORKERS: '2' })).toThrow(/GATEWAY_WORKERS=2 needs REDIS_URL .* RATE_LIMIT_MULTIPLIER=0/);
    expect(() => loadConfig({ ...base, GATEWAY_WORKERS: '2', RATE_LIMIT_MULTIPLIER: '0.5' })).toThrow(ConfigError);
  });

  it('allows several workers with Redis, or with the request rate limits off', () => {
    expect(loadConfig({ ...base, GATEWAY_WORKERS: '2', REDIS_URL: 'redis://127.0.0.1:6379' }).workers).toBe(2);
    expect(loadConfig({ ...base, GATEWAY_WORKERS: '2', RATE_LIMIT_MULTIPLIER: '0' }).workers).toBe(2);
  });

  it('keeps one process, with in-memory limits, by default', () => {
    expect(loadConfig(base)).toMatchObject({ workers: 1, redisUrl: undefined, rateLimits: { multiplier: 1 } });
  });
});
