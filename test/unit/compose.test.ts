import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const compose = readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
/** The gateway service's block: from `  gateway:` to the next top-level or service key. */
const gateway = /^ {2}gateway:\n((?: {4}.*\n|\s*\n)*)/m.exec(compose)![1]!;
const setting = (name: string) => new RegExp(`^ {6}${name}: "?([^"\\n]*)"?$`, 'm').exec(gateway)?.[1];

describe('docker-compose.yml', () => {
  it('turns introspection on with the landing page, so the Sandbox it advertises can load the schema', () => {
    expect(setting('NODE_ENV')).toBe('production');
    expect(setting('GRAPHQL_LANDING_PAGE')).toBe('true');
    expect(setting('GRAPHQL_INTROSPECTION')).toBe('true');
  });

  it('keeps the gateway’s archives on a volume at /app/exports, the directory the image gives its user', () => {
    expect(gateway).toMatch(/^ {6}- exports:\/app\/exports$/m);
    expect(compose).toMatch(/^volumes:\n(?: {2}\w+:\n)* {2}exports:$/m);
  });
});
