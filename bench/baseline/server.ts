import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { jwtVerify } from 'jose';
import { Pool } from 'pg';
import { quoteIdent } from '../../src/tenancy/placement';
import { auditedBaselineQueries, baselineQueries, type BaselineQueries } from './queries';

/**
 * The raw baseline the gateway is measured against: node:http and one `pg` pool per database, as the
 * owner; each request is one hand-written statement that returns the response JSON. It answers the
 * benchmark's operations (by operationName) at `/t/<slug>/graphql` with the same JSON shape as
 * the gateway, and checks the access token's signature and hospital. Environment: DATABASE_URL (owner,
 * main database), JWT_SECRET, PORT, DB_POOL_SIZE, BASELINE_AUDITED.
 *
 * With BASELINE_AUDITED=1 it keeps the gateway's request model at its cheapest: each request is a
 * transaction whose first statement is the placement's `enter_request` (tenant binding, statement
 * timeout, the hospital's hold, the fence, the signed-in user and session), then the one statement,
 * which also writes the request's audit entry, then COMMIT: four statements instead of one.
 */
interface Hospital {
  id: string;
  pool: Pool;
  schema: string;
  sql: BaselineQueries;
}

const mainUrl = process.env.DATABASE_URL!;
const secret = new TextEncoder().encode(process.env.JWT_SECRET!);
const poolSize = Number(process.env.DB_POOL_SIZE ?? 10);
const audited = process.env.BASELINE_AUDITED === '1';
const STATEMENT_TIMEOUT_MS = '30000';
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
  for (const r of rows) {
    const sql = audited ? auditedBaselineQueries(r.schema_name) : baselineQueries(r.schema_name);
    hospitals.set(r.slug, { id: r.id, pool: poolFor(r.database_name), schema: quoteIdent(r.schema_name), sql });
  }
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

interface Caller {
  hospital: string;
  user: string;
  session: string;
}

async function tokenCaller(authorization: string | undefined): Promise<Caller | null> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: 'sovereign', audience: 'sovereign-api', algorithms: ['HS256'] });
    const { tid, sub, sid } = payload;
    return typeof tid === 'string' && typeof sub === 'string' && typeof sid === 'string' ? { hospital: tid, user: sub, session: sid } : null;
  } catch {
    return null;
  }
}

/** The floor's answer: no statement (audited: the request transaction alone). */
const FLOOR: Statement = { values: [] };
const FLOOR_DATA = '{"__typename":"Query"}';

interface Statement {
  text?: string;
  values: unknown[];
}

function statement(h: Hospital, operationName: string | undefined, v: Record<string, any>, caller: Caller): Statement | null {
  const actor = audited ? [caller.user] : [];
  switch (operationName) {
    case 'BenchFloor':
      return FLOOR;
    case 'BenchList':
      return { text: h.sql.list, values: [h.id, ...actor] };
    case 'BenchPoint':
      return { text: h.sql.point, values: [h.id, v.id, ...actor] };
    case 'BenchWrite':
      return { text: h.sql.write, values: [h.id, v.input.patientId, v.input.clinicianId, v.input.startsAt, v.input.endsAt, ...actor] };
    default:
      return null;
  }
}

/** The statement alone, or (audited) inside a request transaction opened by `enter_request`; null when the caller is refused. */
async function run(h: Hospital, { text, values }: Statement, caller: Caller): Promise<{ data: string }[] | null> {
  const execute = async (db: Pick<Pool, 'query'>) => (text ? (await db.query<{ data: string }>(text, values)).rows : [{ data: FLOOR_DATA }]);
  if (!audited) return execute(h.pool);
  const client = await h.pool.connect();
  try {
    await client.query('begin');
    const entry = await client.query<{ fenced: boolean; user_active: boolean | null; session_revoked_at: Date | null; session_expires_at: Date | null }>(
      `select * from ${h.schema}.enter_request($1, $2, $3, $4)`, [h.id, STATEMENT_TIMEOUT_MS, caller.user, caller.session]);
    const e = entry.rows[0]!;
    if (e.fenced || !e.user_active || e.session_revoked_at !== null || !e.session_expires_at || e.session_expires_at < new Date()) {
      await client.query('rollback');
      return null;
    }
    const rows = await execute(client);
    await client.query('commit');
    return rows;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, '{"status":"ok"}');
  const slug = /^\/t\/([a-z0-9-]+)\/graphql$/.exec(req.url ?? '')?.[1];
  const hospital = slug ? hospitals.get(slug) : undefined;
  if (req.method !== 'POST' || !hospital) return send(res, 404, error('TENANT_NOT_FOUND', 'Unknown hospital'));
  const body = await readJson(req);
  const caller = await tokenCaller(req.headers.authorization);
  if (caller?.hospital !== hospital.id) return send(res, 401, error('UNAUTHENTICATED', 'Invalid token'));
  const query = statement(hospital, body.operationName, body.variables ?? {}, caller);
  if (!query) return send(res, 400, error('BAD_USER_INPUT', 'Unknown operation'));
  const rows = await run(hospital, query, caller);
  if (rows === null) return send(res, 401, error('UNAUTHENTICATED', 'Session not valid'));
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
