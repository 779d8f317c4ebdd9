import { CatalogListener, CONNECT_TIMEOUT_MS, HEARTBEAT_EVERY_MS, QUERY_TIMEOUT_MS, LISTENER_NAME } from '../../src/tenancy/resolution/catalog-listener';
import { createTestDatabase, ownerQuery } from '../fixtures/database';
import { FaultProxy } from '../fixtures/fault-proxy';
import { within } from '../fixtures/within';

const CHANNEL = 'sovereign:catalog';
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a promise came to within `ms`: its value, or 'still waiting'. */
async function settledWithin<T>(ms: number, promise: Promise<T>): Promise<T | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)));
  try {
    return await Promise.race([promise, waiting]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The listening connection behind a network that falls silent (nothing passes, nothing is closed, as
 * when a NAT or firewall forgets a connection or a database host stops answering): the listener finds
 * out by itself, in a bounded time, whatever the kernel's keepalive settings.
 */
describe('the catalog listener when the network falls silent', () => {
  let proxy: FaultProxy;
  let databaseUrl: string;
  let listener: CatalogListener | undefined;
  let heard: string[];
  let reconnects: number;

  const database = () => new URL(databaseUrl).pathname.slice(1);
  const notify = (payload: string) => ownerQuery('select pg_notify($1, $2)', [CHANNEL, payload], database());
  const open = () =>
    CatalogListener.open(proxy.via(databaseUrl), CHANNEL, {
      onMessage: (payload) => heard.push(payload),
      onReconnect: () => (reconnects += 1),
    });

  beforeEach(async () => {
    heard = [];
    reconnects = 0;
    databaseUrl = await createTestDatabase(); // its own, so no other listener is there
    proxy = await FaultProxy.start(databaseUrl);
  });
  afterEach(async () => {
    await proxy.close(); // first: it ends a connection attempt left hanging
    await listener?.close();
    listener = undefined;
  });

  it('keeps a connection that answers, then notices it went silent within a heartbeat and its timeout, listens again and hears a later change', async () => {
    listener = await open();
    await delay(HEARTBEAT_EVERY_MS + 500); // one heartbeat answered
    await notify('before');
    expect(await within(1_000, () => heard.includes('before'))).toBe(true);
    expect(reconnects).toBe(0);

    proxy.silenceOpen();
    expect(await within(HEARTBEAT_EVERY_MS + QUERY_TIMEOUT_MS + 2_000, () => reconnects === 1)).toBe(true);
    await notify('after');
    expect(await within(1_000, () => heard.includes('after'))).toBe(true);
  });

  it('gives up opening once CONNECT_TIMEOUT_MS has passed without an answer', async () => {
    void proxy.silenceNew();
    const opening = open().then(
      (opened) => void (listener = opened),
      () => 'refused' as const,
    );
    expect(await settledWithin(CONNECT_TIMEOUT_MS + 2_000, opening)).toBe('refused');
  });

  it('closes at once while an attempt to listen again hangs', async () => {
    listener = await open();
    const hanging = proxy.silenceNew();
    await ownerQuery('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2', [database(), LISTENER_NAME]);
    await hanging; // it is connecting again, and will get no answer

    const started = Date.now();
    expect(await settledWithin(CONNECT_TIMEOUT_MS, listener.close())).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
