import { Router } from 'express';
import type { Tenancy } from '../tenancy';

/**
 * `/healthz`: the process is up. `/readyz`: the catalog database answers, else 503; it also names the
 * hospital database servers that are not answering, if any, which do not make it 503 (the hospitals on
 * the other servers are still served).
 */
export function healthRoutes(tenancy: Tenancy): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await tenancy.isReady();
    const unavailableServers = tenancy.pools.unavailableServers;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', ...(unavailableServers.length ? { unavailableServers } : {}) });
  });
  return router;
}
