import type { NextFunction, Request, Response } from 'express';
import type { RequestDigest } from '../tenancy/resolution/digest';
import { normaliseHost } from '../tenancy/resolution/strategies';
import { errorBody } from './request-error';

/** An absolute-form request target (`POST http://host/t/<slug>/graphql`): scheme and authority first. */
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i;

const NO_HOST = errorBody('The request target names no host', 'BAD_USER_INPUT');

/** The host (with its port, without user information) an absolute-form target names; undefined for any other target. */
function targetHost(req: Request): string | undefined {
  const authority = ABSOLUTE_FORM.exec(req.originalUrl)?.[1];
  return authority === undefined ? undefined : authority.slice(authority.lastIndexOf('@') + 1);
}

/** The neutral digest tenant resolution reads: host, path, lower-case headers. */
export function digestOf(req: Request): RequestDigest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  // The path as the router matched it (Express parses an absolute-form target to its path), so a URL
  // is a hospital's for tenant resolution exactly when it reached a hospital's route. The GraphQL
  // routes are the app's own, so nothing of the path is left out by a mount point.
  // An absolute-form target names its host itself, and the Host header is then ignored (RFC 9112, 3.2.2).
  return { host: targetHost(req) ?? req.headers.host, path: req.path, headers };
}

/**
 * Refuses (400, BAD_USER_INPUT) an absolute-form target whose host is empty (`http:///graphql`,
 * `http://:80/graphql`): such a URI is invalid (RFC 9110, 4.2.1), and it names neither a hospital nor
 * the platform, so tenant resolution must not take it for the platform.
 */
export function refuseTargetWithoutHost(req: Request, res: Response, next: NextFunction): void {
  const host = targetHost(req);
  if (host !== undefined && !normaliseHost(host)) {
    res.status(400).json(NO_HOST);
    return;
  }
  next();
}
