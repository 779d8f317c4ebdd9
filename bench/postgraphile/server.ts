import { createServer } from 'node:http';
import { jwtVerify } from 'jose';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

/**
 * The peer the gateway is measured against: PostGraphile 5 with row-level security, as a team would
 * run it instead of the gateway. It serves the SHARED placement's tables as PostGraphile's default
 * (Amber) preset builds them, connected as the gateway's runtime role, so the same row-level-security
 * policies apply. Each request's bearer token (the gateway's own, checked with the same secret) sets
 * `app.tenant_id` for its transaction, as PostGraphile's `pgSettings` do for JWT claims. No audit trail,
 * no session check, no permission rules: PostGraphile has none of its own. Environment: DATABASE_URL
 * (runtime role, main database), PG_SCHEMA (the SHARED placement's), JWT_SECRET, PORT, DB_POOL_SIZE.
 *
 * A package of its own (`npm run bench:peer` installs and builds it), so the project's install stays
 * free of it. PostGraphile 5 asks for Node 22; all it lacks on Node 20 is `Promise.withResolvers`,
 * defined here before it loads.
 */
const withResolvers = <T>() => {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};
(Promise as unknown as { withResolvers?: unknown }).withResolvers ??= withResolvers;

const secret = new TextEncoder().encode(process.env.JWT_SECRET!);

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL!, schemas: [process.env.PG_SCHEMA!], poolConfig: { max: Number(process.env.DB_POOL_SIZE ?? 10) } })],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: {
    async context(requestContext) {
      const authorization = requestContext.node?.req.headers.authorization ?? '';
      const { payload } = await jwtVerify(authorization.replace(/^Bearer /, ''), secret);
      return { pgSettings: { 'app.tenant_id': String(payload.tid) } };
    },
  },
};

async function main(): Promise<void> {
  const graphql = postgraphile(preset).createServ(grafserv).createHandler();
  const server = createServer((req, res) => {
    if (req.url === '/healthz') res.end('ok');
    else graphql(req, res);
  });
  server.listen(Number(process.env.PORT));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
