/** Lower-case letters, digits and inner hyphens, 3–40 characters, starting with a letter. */
const SLUG = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;

/** Names that would collide with routes, host names or database objects. */
const RESERVED = new Set([
  'admin', 'api', 'app', 'assets', 'catalog', 'central', 'default', 'ftp', 'graphql', 'healthz', 'information-schema',
  'information_schema', 'mail', 'metrics', 'platform', 'postgres', 'public', 'readyz', 'root', 'sovereign', 'static',
  'system', 'template0', 'template1', 'tenant', 'tenants', 'tenants-shared', 'www',
]);

/** Why a slug is refused, or null when it is acceptable. */
export function slugProblem(slug: string): string | null {
  if (!SLUG.test(slug)) return 'must be 3–40 lower-case letters, digits or inner hyphens, starting with a letter';
  if (slug.includes('--')) return 'must not contain consecutive hyphens';
  if (RESERVED.has(slug) || slug.startsWith('pg')) return 'is reserved';
  return null;
}

const HOSTNAME = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Why a custom domain is refused, or null. Sub-domains of the base domain are taken by slugs. */
export function domainProblem(hostname: string, baseDomain: string): string | null {
  if (!HOSTNAME.test(hostname)) return 'must be a lower-case host name such as records.example-hospital.org';
  if (hostname === baseDomain || hostname.endsWith(`.${baseDomain}`)) return `must not be under ${baseDomain}`;
  return null;
}
