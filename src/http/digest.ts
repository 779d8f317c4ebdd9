import type { Request } from 'express';
import type { RequestDigest } from '../tenancy/resolution/digest';

/** The neutral digest tenant resolution reads: host, path, lower-case headers. */
export function digestOf(req: Request): RequestDigest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  // originalUrl: req.path is relative to the mount point, and the tenant may be in the mounted part.
  return { host: req.headers.host, path: req.originalUrl.split('?')[0] ?? '/', headers };
}
