import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { NextFunction, Request, Response } from 'express';
import { LRUCache } from 'lru-cache';
import type { TenantResolver } from '../tenancy/resolution/resolver';
import { digestOf } from './digest';

async function render(slug: string | null): Promise<string> {
  const plugin = ApolloServerPluginLandingPageLocalDefault({
    embed: { initialState: { sharedHeaders: slug ? { 'X-Tenant-ID': slug } : {} } },
    includeCookies: false,
  });
  const listener = await plugin.serverWillStart!({} as never);
  const page = await listener!.renderLandingPage!();
  return typeof page.html === 'string' ? page.html : page.html();
}

/**
 * Apollo Sandbox for browsers (GET with Accept: text/html), with the hospital of the URL preset as
 * a shared X-Tenant-ID header. Development only unless GRAPHQL_LANDING_PAGE=true.
 */
export function landingPage(resolver: TenantResolver) {
  const pages = new LRUCache<string, string>({ max: 1000 });
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || !req.accepts('text/html') || req.query.query !== undefined) return next();
    const tenant = await resolver.resolve(digestOf(req)).catch(() => null);
    const key = tenant?.slug ?? '';
    let html = pages.get(key);
    if (!html) {
      html = await render(tenant?.slug ?? null);
      pages.set(key, html);
    }
    res.type('html').send(html);
  };
}
