import { randomBytes } from 'node:crypto';
import { ownerQuery, testServerUrl } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';

describe('start-up', () => {
  it('waits for a database that is not there yet and starts once it appears', async () => {
    const name = `${process.env.SOVEREIGN_TEST_RUN}_late_${randomBytes(2).toString('hex')}`;
    const url = new URL(testServerUrl());
    url.pathname = `/${name}`;
    const starting = TestGateway.start({ STARTUP_DB_WAIT_MS: '30000' }, url.toString());
    await new Promise((r) => setTimeout(r, 1_500));
    await ownerQuery(`create database "${name}"`);
    const gw = await starting;
    try {
      expect((await fetch(`${gw.baseUrl}/readyz`)).status).toBe(200);
    } finally {
      await gw.stop();
    }
  });

  it('gives up after the configured wait with the connection error', async () => {
    const url = new URL(testServerUrl());
    url.pathname = `/${process.env.SOVEREIGN_TEST_RUN}_never`;
    await expect(TestGateway.start({ STARTUP_DB_WAIT_MS: '500' }, url.toString())).rejects.toThrow(/does not exist/);
  });
});
