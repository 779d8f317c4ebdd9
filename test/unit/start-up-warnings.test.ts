import { loadConfig, startUpWarnings } from '../../src/config';

const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/nonexistent' };
const warned = (env: Record<string, string>) => startUpWarnings(loadConfig({ ...base, ...env })).map((w) => Object.keys(w.settings).join('+'));

describe('start-up warnings', () => {
  it('warns when Apollo Sandbox is served but introspection is off, as it cannot load the schema', () => {
    const [warning, ...more] = startUpWarnings(loadConfig({ ...base, GRAPHQL_LANDING_PAGE: 'true', GRAPHQL_INTROSPECTION: 'false' }));
    expect(more).toEqual([]);
    expect(warning).toEqual({
      settings: { GRAPHQL_LANDING_PAGE: true, GRAPHQL_INTROSPECTION: false },
      message: expect.stringMatching(/Sandbox.*cannot load the schema/),
    });
  });

  it('says nothing of the landing page with introspection on, or with both off (production)', () => {
    expect(warned({ GRAPHQL_LANDING_PAGE: 'true', GRAPHQL_INTROSPECTION: 'true' })).toEqual([]);
    expect(warned({ NODE_ENV: 'production', APP_DB_PASSWORD: 'p', SECRETS_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') })).toEqual([]);
    expect(warned({ GRAPHQL_LANDING_PAGE: 'false', GRAPHQL_INTROSPECTION: 'false' })).toEqual([]);
  });

  it('warns about TRUST_PROXY=true, and not about a hop count', () => {
    expect(warned({ TRUST_PROXY: 'true' })).toEqual(['TRUST_PROXY']);
    expect(warned({ TRUST_PROXY: '1' })).toEqual([]);
  });
});
