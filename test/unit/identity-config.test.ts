import { ConfigError, loadConfig } from '../../src/config';

const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/nonexistent' };

describe('identity settings', () => {
  it('defaults to short access tokens, two-week refresh tokens and a lockout after 5 failures for 15 minutes', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({ jwtTtlSeconds: 900, refreshTtlSeconds: 14 * 86_400, loginThrottle: { maxFailures: 5, lockoutSeconds: 900 } });
  });

  it('reads them from the environment', () => {
    const config = loadConfig({ ...base, JWT_TTL_SECONDS: '300', REFRESH_TOKEN_TTL_SECONDS: '3600', LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_SECONDS: '60' });
    expect(config).toMatchObject({ jwtTtlSeconds: 300, refreshTtlSeconds: 3600, loginThrottle: { maxFailures: 3, lockoutSeconds: 60 } });
  });

  it.each(['JWT_TTL_SECONDS', 'REFRESH_TOKEN_TTL_SECONDS', 'LOGIN_MAX_FAILURES', 'LOGIN_LOCKOUT_SECONDS'])('refuses %s=0 at start-up', (key) => {
    expect(() => loadConfig({ ...base, [key]: '0' })).toThrow(ConfigError);
  });

  it('refuses to start in production without JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', APP_DB_PASSWORD: 'x' })).toThrow('JWT_SECRET is required');
  });
});
