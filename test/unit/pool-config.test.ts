import { ConfigError, loadConfig } from '../../src/config';

const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/nonexistent' };

describe('runtime pool settings', () => {
  it('defaults the connection budget to every pool full (20 pools × 10 connections)', () => {
    expect(loadConfig(base).pools).toMatchObject({ maxOpen: 20, size: 10, budget: 200 });
  });

  it('follows the pool settings when only they are given, and reads an explicit budget', () => {
    expect(loadConfig({ ...base, DB_MAX_OPEN_POOLS: '4', DB_POOL_SIZE: '5' }).pools).toMatchObject({ budget: 20 });
    expect(loadConfig({ ...base, DB_CONNECTION_BUDGET: '60' }).pools).toMatchObject({ maxOpen: 20, size: 10, budget: 60 });
  });

  it.each(['DB_POOL_SIZE', 'DB_MAX_OPEN_POOLS'])('refuses %s=0 at start-up, naming it', (key) => {
    expect(() => loadConfig({ ...base, [key]: '0' })).toThrow(new ConfigError(`${key} must be a whole number from 1 to 2147483647, got "0"`));
  });

  it('gives a new runtime connection 5 s to be answered unless DB_CONNECT_TIMEOUT_MS says otherwise', () => {
    expect(loadConfig(base).pools.connectTimeoutMs).toBe(5_000);
    expect(loadConfig({ ...base, DB_CONNECT_TIMEOUT_MS: '1500' }).pools.connectTimeoutMs).toBe(1_500);
    expect(() => loadConfig({ ...base, DB_CONNECT_TIMEOUT_MS: '0' })).toThrow(new ConfigError('DB_CONNECT_TIMEOUT_MS must be a whole number from 1 to 2147483647, got "0"'));
  });

  it('refuses a budget smaller than one pool at start-up', () => {
    expect(() => loadConfig({ ...base, DB_POOL_SIZE: '10', DB_CONNECTION_BUDGET: '9' })).toThrow(ConfigError);
  });
});
