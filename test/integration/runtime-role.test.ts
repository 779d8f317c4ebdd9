import { Client } from 'pg';
import { ensureRuntimeRole, RuntimeRoleTakenError, signsIn, type RuntimeRoleOnServer } from '../../src/tenancy/runtime-role';
import { EmbeddedServer } from '../fixtures/embedded-server';
import { TestGateway } from '../fixtures/gateway';

/**
 * The runtime role on a server of this test's own, which checks passwords (scram-sha-256): the shared
 * test server may trust every connection, where no password is ever refused.
 */
let server: EmbeddedServer;

/** A runtime-role URL of the server's own database. */
function runtimeUrl(role: string, password: string): string {
  const url = new URL(server.url());
  url.username = role;
  url.password = password;
  return url.toString();
}

/** What deployment `deployment` (its main database's name) ensures of `role` on the server. */
function onServer(role: string, deployment: string, password: string): RuntimeRoleOnServer {
  return { role: { name: role, password }, deployment, server: 'main', runtimeUrl: runtimeUrl(role, password) };
}

async function ownerQuery<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: server.url() });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const signsInAs = (role: string, password: string): Promise<boolean> => signsIn(runtimeUrl(role, password));

async function markOf(role: string): Promise<string | null> {
  const [row] = await ownerQuery<{ mark: string | null }>("select shobj_description(oid, 'pg_authid') as mark from pg_roles where rolname = $1", [role]);
  return row!.mark;
}

describe('the runtime role', () => {
  let gw: TestGateway;
  const role = (what: string) => `sov_rt_${what}`;

  beforeAll(async () => {
    server = await EmbeddedServer.create(['deployment_a']);
    gw = await TestGateway.start({}, server.url('deployment_a'));
  });
  afterAll(async () => {
    await gw?.stop();
    await server?.destroy();
  });

  const ensure = (setup: RuntimeRoleOnServer) => ensureRuntimeRole(gw.tenancy.central, setup);

  it('is ensured by many replicas starting at once without any of them failing', async () => {
    // Two gateways booting together both create and alter the same role: PostgreSQL refuses one of two
    // concurrent ALTER ROLEs ("tuple concurrently updated"), which must not stop a replica.
    const name = role('race');
    for (let round = 0; round < 3; round += 1) {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => ensure(onServer(name, 'deployment_a', 'race-password-123'))));
      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    }
    const [attributes] = await ownerQuery<{ rolcanlogin: boolean; rolsuper: boolean; rolbypassrls: boolean }>('select rolcanlogin, rolsuper, rolbypassrls from pg_roles where rolname = $1', [name]);
    expect(attributes).toEqual({ rolcanlogin: true, rolsuper: false, rolbypassrls: false });
  });

  it('belongs to the deployment that created it: another deployment with another password is refused and changes nothing', async () => {
    const name = role('owned');
    await ensure(onServer(name, 'deployment_a', 'password-of-a'));
    const refusal = ensure(onServer(name, 'deployment_b', 'password-of-b'));
    await expect(refusal).rejects.toThrow(RuntimeRoleTakenError);
    await expect(refusal).rejects.toThrow(
      `APP_DB_ROLE "${name}" on database server main belongs to the deployment whose main database is "deployment_a", and this deployment's APP_DB_PASSWORD does not sign in as it (changing its password would lock that deployment out): give each deployment its own APP_DB_ROLE`,
    );
    expect(await signsInAs(name, 'password-of-a')).toBe(true);
    expect(await signsInAs(name, 'password-of-b')).toBe(false);
    expect(await markOf(name)).toBe('Sovereign runtime role of the deployment whose main database is "deployment_a"');
  });

  it('takes its own deployment’s new password when that deployment restarts with another APP_DB_PASSWORD', async () => {
    const name = role('rotated');
    await ensure(onServer(name, 'deployment_a', 'first-password'));
    await ensure(onServer(name, 'deployment_a', 'first-password'));
    await ensure(onServer(name, 'deployment_a', 'rotated-password'));
    expect(await signsInAs(name, 'rotated-password')).toBe(true);
    expect(await signsInAs(name, 'first-password')).toBe(false);
  });

  it('is used as it is by another deployment whose APP_DB_PASSWORD already signs in, which leaves it its owner’s', async () => {
    const name = role('shared');
    await ensure(onServer(name, 'deployment_a', 'same-password'));
    await ensure(onServer(name, 'deployment_b', 'same-password'));
    expect(await markOf(name)).toBe('Sovereign runtime role of the deployment whose main database is "deployment_a"');
    await ensure(onServer(name, 'deployment_a', 'owner-rotated'));
    expect(await signsInAs(name, 'owner-rotated')).toBe(true);
  });

  it('is adopted by the first deployment to ensure it when an earlier version created it without a mark', async () => {
    const name = role('legacy');
    await ownerQuery(`create role ${name} login password 'earlier-version'`);
    await ensure(onServer(name, 'deployment_a', 'password-of-a'));
    expect(await markOf(name)).toBe('Sovereign runtime role of the deployment whose main database is "deployment_a"');
    expect(await signsInAs(name, 'password-of-a')).toBe(true);
    await expect(ensure(onServer(name, 'deployment_b', 'password-of-b'))).rejects.toThrow(RuntimeRoleTakenError);
  });

  it('goes to one deployment only when two adopt an unmarked role at once', async () => {
    for (let round = 0; round < 3; round += 1) {
      const name = role(`adopted${round}`);
      await ownerQuery(`create role ${name} login password 'earlier-version'`);
      const [a, b] = await Promise.allSettled([ensure(onServer(name, 'deployment_a', 'password-of-a')), ensure(onServer(name, 'deployment_b', 'password-of-b'))]);
      const winner = a.status === 'fulfilled' ? 'a' : 'b';
      expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
      expect(String(((winner === 'a' ? b : a) as PromiseRejectedResult).reason)).toContain(`whose main database is "deployment_${winner}"`);
      expect(await markOf(name)).toBe(`Sovereign runtime role of the deployment whose main database is "deployment_${winner}"`);
      expect(await signsInAs(name, `password-of-${winner}`)).toBe(true);
    }
  });
});
