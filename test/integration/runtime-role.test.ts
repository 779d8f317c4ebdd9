import { ensureRuntimeRole } from '../../src/tenancy/runtime-role';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';

describe('the runtime role', () => {
  let gw: TestGateway;
  const role = { name: `sov_rt_race_${process.pid}`, password: 'race-password-123' };

  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(async () => {
    await ownerQuery(`drop role if exists ${role.name}`);
    await gw.stop();
  });

  it('is ensured by many replicas starting at once without any of them failing', async () => {
    // Two gateways booting together both create and alter the same role: PostgreSQL refuses one of two
    // concurrent ALTER ROLEs ("tuple concurrently updated"), which must not stop a replica.
    for (let round = 0; round < 3; round += 1) {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => ensureRuntimeRole(gw.tenancy.central, role)));
      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    }
    const [attributes] = await ownerQuery<{ rolcanlogin: boolean; rolsuper: boolean; rolbypassrls: boolean }>('select rolcanlogin, rolsuper, rolbypassrls from pg_roles where rolname = $1', [role.name]);
    expect(attributes).toEqual({ rolcanlogin: true, rolsuper: false, rolbypassrls: false });
  });
});
