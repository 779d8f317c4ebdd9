import { ConfigError, loadConfig } from '../../src/config';

const base = { JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/nonexistent' };

describe('spare schema settings', () => {
  it('keeps two spares by default, and none under test unless a test asks', () => {
    expect(loadConfig({ ...base, NODE_ENV: 'development' }).spareSchemas).toBe(2);
    expect(loadConfig({ ...base, NODE_ENV: 'test' }).spareSchemas).toBe(0);
    expect(loadConfig({ ...base, NODE_ENV: 'test', SPARE_SCHEMAS: '3' }).spareSchemas).toBe(3);
  });

  it.each(['-1', 'two', '1.5'])('refuses SPARE_SCHEMAS=%s at start-up', (value) => {
    expect(() => loadConfig({ ...base, SPARE_SCHEMAS: value })).toThrow(ConfigError);
  });
});
