import { isIP } from 'node:net';
import type { RequestDigest } from './digest';

/** What one strategy read from the request: a slug, a custom host name, or a slug-or-id. */
export type TenantIdentifier =
  | { source: 'path' | 'subdomain'; kind: 'slug'; value: string }
  | { source: 'domain'; kind: 'domain'; value: string }
  | { source: 'header'; kind: 'slugOrId'; value: string };

/** Reads at most one identifier from a request; null when its source is absent. */
export type ResolutionStrategy = (digest: RequestDigest) => TenantIdentifier | null;

/** Host names on the base domain that never name a hospital. */
const CENTRAL_LABELS = new Set(['www', 'api', 'admin', 'app']);

export const pathStrategy: ResolutionStrategy = (digest) => {
  const match = /^\/t\/([^/]*)(?:\/|$)/.exec(digest.path);
  return match ? { source: 'path', kind: 'slug', value: decodeSafely(match[1]!).toLowerCase() } : null;
};

/** `<slug>.<base>` names a hospital; the base itself, `localhost` and IP addresses are central; any other host is a custom domain. */
export function hostStrategy(baseDomain: string): ResolutionStrategy {
  return (digest) => {
    const host = normaliseHost(digest.host);
    if (!host || host === baseDomain || host === 'localhost' || isIP(host)) return null;
    if (host.endsWith(`.${baseDomain}`)) {
      const label = host.slice(0, -baseDomain.length - 1);
      if (CENTRAL_LABELS.has(label)) return null;
      return { source: 'subdomain', kind: 'slug', value: label };
    }
    return { source: 'domain', kind: 'domain', value: host };
  };
}

export const headerStrategy: ResolutionStrategy = (digest) => {
  const value = digest.headers['x-tenant-id']?.trim();
  return value ? { source: 'header', kind: 'slugOrId', value: value.toLowerCase() } : null;
};

/** Lower-cases and strips the port (also of a bracketed IPv6 address). */
export function normaliseHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return (colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h).replace(/\.$/, '');
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
