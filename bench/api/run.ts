import 'reflect-metadata';
import { tmpdir } from 'node:os';
import { openTenancy } from '../../src/app';
import { loadConfig } from '../../src/config';
import { benchDatabase } from '../support';
import { buildDataset, datasetSize } from './dataset';

async function main(): Promise<void> {
  const db = await benchDatabase();
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'b'.repeat(40), DATA_DIR: tmpdir(), LOG_LEVEL: 'silent' });
  const tenancy = await openTenancy(config, db.url);
  try {
    await tenancy.migrate();
    const hospitals = await buildDataset(tenancy, datasetSize(), console.log);
    console.log(hospitals.slice(0, 3));
  } finally {
    await tenancy.close();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
