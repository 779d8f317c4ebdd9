import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Isolation } from '../../../src/tenancy';
import { Tenant } from '../../../src/tenancy/catalog';
import { TestGateway } from '../../fixtures/gateway';
import { archiveDir, catalogEntry } from '../../fixtures/transfer';

/** An import restores a hospital as it was: how to reach it and its own limits come with its archive. */
describe('an imported copy of a hospital and its catalog details', () => {
  let gw: TestGateway;
  const file = join(archiveDir(), 'detailed.sovereign.gz');
  const details = { contactEmail: 'admin-office@detailed.example', contactPhone: '+44 20 7946 0000', address: '1 Ward Street, London', maxUsers: 7, maxAssets: 1234 };

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: 'detailed', isolation: Isolation.SCHEMA, ...details });
    await gw.tenancy.transfer.export('detailed', file);
  }, 60_000);
  afterAll(() => gw.stop());

  const detailsOf = async (slug: string) => {
    const t = await gw.tenancy.central.em.fork().findOneOrFail(Tenant, { slug });
    return { contactEmail: t.contactEmail, contactPhone: t.contactPhone, address: t.address, maxUsers: t.maxUsers, maxAssets: t.maxAssets };
  };

  it('keeps the contact details and own limits of the original', async () => {
    await gw.tenancy.transfer.import(file, { slug: 'detailed-copy', isolation: Isolation.SHARED });
    expect(await detailsOf('detailed-copy')).toEqual(details);
  });

  it('checks them as a new hospital’s: an archive whose contact email is not one is BAD_USER_INPUT, and nothing is created', async () => {
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    const manifest = JSON.parse(lines[0]!) as { hospital: Record<string, unknown> };
    manifest.hospital.contactEmail = 'not an email\nBcc: someone@example.com';
    manifest.hospital.maxUsers = 'seven';
    const forged = join(archiveDir(), 'detailed-forged.sovereign.gz');
    writeFileSync(forged, gzipSync([JSON.stringify(manifest), ...lines.slice(1)].join('\n')));
    await expect(gw.tenancy.transfer.import(forged, { slug: 'forged-copy', isolation: Isolation.SCHEMA })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    manifest.hospital.maxUsers = 7;
    writeFileSync(forged, gzipSync([JSON.stringify(manifest), ...lines.slice(1)].join('\n')));
    await expect(gw.tenancy.transfer.import(forged, { slug: 'forged-copy', isolation: Isolation.SCHEMA })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await catalogEntry(gw, 'forged-copy')).toBeUndefined();
  });
});
