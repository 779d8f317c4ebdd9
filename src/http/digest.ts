import type { Request } from 'express';
import type { RequestDigest } from '../tenancy/resolution/digest';

/** An absolute-form request target (`POST http://host/t/<slug>/graphql`): scheme and authority first. */
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i;

/** The neutral digest tenant resolution reads: host, path, lower-case headers. */
export function digestOf(req: Request): RequestDigest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  // The path as the router matched it (Express parses an absolute-form target to its path), so a URL
  // is a hospital's for tenant resolution exactly when it reached a hospital's route. The GraphQL
  // routes are the app's own, so nothing of the path is left out by a mount point.
  // An absolute-form target names its host itself, and the Host header is then ignored (RFC 9112, 3.2.2).
  const authority = ABSOLUTE_FORM.exec(req.originalUrl)?.[1];
  return { host: authority === undefined ? req.headers.host : authority.slice(authority.lastIndexOf('@') + 1), path: req.path, headers };
}
