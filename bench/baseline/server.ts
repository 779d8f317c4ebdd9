import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { jwtVerify } from 'jose';
import { Pool } from 'pg';
import { baselineQueries, type BaselineQueries } from './queries';

/**
 * The raw baseline the gateway is measured against: node:http and one `pg` pool per database, as the
 * owner; each request is one hand-written statement that returns the response JSON. It answers the
 * benchmark's operations (by operationName) at `/t/<slug>/graphql` with the same JSON shape as
 * the gateway, and checks the access token's signature and hospital. Environment: DATABASE_URL (owner,
 * main database), JWT_SECRET, PORT, DB_POOL_SIZE.
 */
interface Hospital {
  id: string;
  pool: Pool;
  sql: BaselineQueries;
}

const mainUrl = process.env.DATABASE_URL!;
const secret = new TextEncoder().encode(process.env.JWT_SECRET!);
const poolSize = Number(process.env.DB_POOL_SIZE ?? 10);
const pools = new Map<string, Pool>();
const hospitals = new Map<string, Hospital>();

function poolFor(database: string): Pool {
  let pool = pools.get(database);
  if (!pool) {
    const url = new URL(mainUrl);
    url.pathname = `/${database}`;
    pool = new Pool({ connectionString: url.toString(), max: poolSize, idleTimeoutMillis: 30_000 });
    pools.set(database, pool);
  }
  return pool;
}

async function loadHospitals(): Promise<void> {
  const { rows } = await poolFor(new URL(mainUrl).pathname.slice(1)).query<{ id: string; slug: string; database_name: string; schema_name: string }>(
    `select id, slug, database_name, schema_name from catalog.tenants where status = 'ACTIVE'`,
  );
  for (const r of rows) hospitals.set(r.slug, { id: r.id, pool: poolFor(r.database_name), sql: baselineQueries(r.schema_name) });
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const error = (code: string, message: string) => JSON.stringify({ errors: [{ message, extensions: { code } }] });

async function readJson(req: IncomingMessage): Promise<{ operationName?: string; variables?: Record<string, any> }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function tokenHospital(authorization: string | undefined): Promise<string | null> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: 'sovereign', audience: 'sovereign-api', algorithms: ['HS256'] });
    return typeof payload.tid === 'string' ? payload.tid : null;
  } catch {
    return null;
  }
}

function statement(h: Hospital, operationName: string | undefined, v: Record<string, any>): [string, unknown[]] | null {
  switch (operationName) {
    case 'BenchList':
      return [h.sql.list, [h.id]];
    case 'BenchPoint':
      return [h.sql.point, [h.id, v.id]];
    case 'BenchWrite':
      return [h.sql.write, [h.id, v.input.patientId, v.input.clinicianId, v.input.startsAt, v.input.endsAt]];
    default:
      return null;
  }
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, '{"status":"ok"}');
  const slug = /^\/t\/([a-z0-9-]+)\/graphql$/.exec(req.url ?? '')?.[1];
  const hospital = slug ? hospitals.get(slug) : undefined;
  if (req.method !== 'POST' || !hospital) return send(res, 404, error('TENANT_NOT_FOUND', 'Unknown hospital'));
  const body = await readJson(req);
  if ((await tokenHospital(req.headers.authorization)) !== hospital.id) return send(res, 401, error('UNAUTHENTICATED', 'Invalid token'));
  if (body.operationName === 'BenchFloor') return send(res, 200, '{"data":{"__typename":"Query"}}');
  const query = statement(hospital, body.operationName, body.variables ?? {});
  if (!query) return send(res, 400, error('BAD_USER_INPUT', 'Unknown operation'));
  const { rows } = await hospital.pool.query<{ data: string }>(query[0], query[1]);
  if (rows.length === 0) return send(res, 200, error('BAD_USER_INPUT', 'clinicianId must be a DOCTOR or NURSE'));
  send(res, 200, `{"data":${rows[0]!.data}}`);
}

async function main(): Promise<void> {
  await loadHospitals();
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, error('INTERNAL_SERVER_ERROR', e instanceof Error ? e.message : String(e))));
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 4100), '127.0.0.1');
  process.on('SIGTERM', () => {
    server.close();
    void Promise.all([...pools.values()].map((p) => p.end())).then(() => process.exit(0));
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
