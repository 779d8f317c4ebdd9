import 'reflect-metadata';
import { tmpdir } from 'node:os';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { benchDatabase, percentile } from './support';

/**
 * Cost of authentication per request, end to end over HTTP on one gateway: the same small query
 * (`patients(first: 1)`) anonymous-refused, with an access token, with an API key and as a platform
 * admin inside the hospital; then sign-in and refresh. Sequential requests, median and p90.
 * Uses BENCH_DATABASE_URL's server (a fresh database on it) or a throwaway embedded PostgreSQL.
 */
const N = Number(process.env.BENCH_REQUESTS ?? 300);
const LOGINS = Number(process.env.BENCH_LOGINS ?? 20);


async function main(): Promise<void> {
  const db = await benchDatabase();
  const url = new URL(db.url);
  const config = loadConfig({
    NODE_ENV: 'test', JWT_SECRET: 'b'.repeat(40), DATA_DIR: tmpdir(), LOG_LEVEL: 'silent',
    PLATFORM_ADMIN_EMAIL: 'root@bench.test', PLATFORM_ADMIN_PASSWORD: 'bench-platform-password', LOGIN_MAX_FAILURES: '1000',
    RATE_LIMIT_MULTIPLIER: '0', // measures authentication, not the rate limits
  });
  const app = await createApp(config, url.toString());
  const port = await app.listen(0);
  const gql = async (path: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  };
  const login = async (path: string, email: string, password: string) =>
    (await gql(path, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token refreshToken } }', { e: email, p: password })).data!.login as { token: string; refreshToken: string };
  const measure = async (label: string, count: number, run: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(`${label.padEnd(44)} median ${percentile(times, 50).toFixed(2)} ms   p90 ${percentile(times, 90).toFixed(2)} ms`);
  };
  try {
    const platform = await login('/graphql', 'root@bench.test', 'bench-platform-password');
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    await gql('/graphql', 'mutation { createTenant(input: { slug: "bench-general", name: "Bench", admin: { email: "admin@bench.test", password: "bench-admin-password" } }) { id } }', {}, bearer(platform.token));
    const hospital = '/t/bench-general/graphql';
    const admin = await login(hospital, 'admin@bench.test', 'bench-admin-password');
    const key = (await gql(hospital, 'mutation { createApiKey(input: { name: "bench", role: RECEPTIONIST }) { key } }', {}, bearer(admin.token))).data!.createApiKey.key as string;
    const query = '{ patients(first: 1) { totalCount } }';
    console.log(`${N} sequential requests each, ${LOGINS} sign-ins`);
    await measure('anonymous (refused by the shield)', N, () => gql(hospital, query));
    await measure('hospital ADMIN access token', N, () => gql(hospital, query, {}, bearer(admin.token)));
    await measure('API key (RECEPTIONIST)', N, () => gql(hospital, query, {}, { 'x-api-key': key }));
    await measure('platform admin inside the hospital', N, () => gql(hospital, query, {}, bearer(platform.token)));
    let refresh = admin.refreshToken;
    await measure('refreshToken (rotation)', N, async () => {
      refresh = (await gql(hospital, 'mutation($t: String!) { refreshToken(refreshToken: $t) { refreshToken } }', { t: refresh })).data!.refreshToken.refreshToken;
    });
    await measure('login (argon2id verify)', LOGINS, () => login(hospital, 'admin@bench.test', 'bench-admin-password'));
  } finally {
    await app.stop();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
