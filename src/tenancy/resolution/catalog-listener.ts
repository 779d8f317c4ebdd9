import { Client } from 'pg';

/** The application_name of the listening connection, as pg_stat_activity shows it. */
export const LISTENER_NAME = 'sovereign catalog listener';

const RETRY = { firstMs: 250, maxMs: 5_000 };

/** What the listener reports. */
export interface ListenerHandlers {
  /** A notification's payload. */
  onMessage(payload: string): void;
  /** Listening again after the connection was lost: notifications sent meanwhile were missed. */
  onReconnect(): void;
}

/**
 * One dedicated connection (owner credentials, outside every pool) that LISTENs on `channel` in the
 * database of `url`. When the connection is lost (the server restarted, the backend was terminated) it
 * connects and LISTENs again by itself, retrying with backoff (0.25 s doubling to 5 s), and calls
 * `onReconnect` once it listens again. PostgreSQL delivers a notification only to sessions of the
 * database it was sent in, so the database alone keeps deployments apart.
 */
export class CatalogListener {
  private client: Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  /** A reconnection under way (close waits for it, so it leaves no connection behind). */
  private attempt: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly handlers: ListenerHandlers,
  ) {}

  /** Connects and LISTENs; rejects (leaving nothing open, retrying nothing) if the first attempt fails. */
  static async open(url: string, channel: string, handlers: ListenerHandlers): Promise<CatalogListener> {
    const listener = new CatalogListener(url, channel, handlers);
    listener.client = await listener.connect();
    return listener;
  }

  /** Stops listening and reconnecting, and closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.attempt;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.url, application_name: LISTENER_NAME, keepAlive: true });
    client.on('error', () => undefined); // until it listens, a failure rejects the attempt instead
    client.on('notification', (message) => {
      if (message.channel === this.channel && message.payload !== undefined) this.handlers.onMessage(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      void client.end().catch(() => undefined);
      if (this.client === client) this.client = undefined;
      if (!this.closed) this.reconnectAfter(RETRY.firstMs);
    };
    client.on('error', onLost);
    client.on('end', onLost);
    return client;
  }

  private reconnectAfter(delayMs: number): void {
    this.retry = setTimeout(() => {
      this.attempt = this.reconnect(delayMs).finally(() => (this.attempt = undefined));
    }, delayMs);
    this.retry.unref();
  }

  private async reconnect(delayMs: number): Promise<void> {
    let client: Client;
    try {
      client = await this.connect();
    } catch {
      if (!this.closed) this.reconnectAfter(Math.min(RETRY.maxMs, delayMs * 2));
      return;
    }
    if (this.closed) return void (await client.end().catch(() => undefined));
    this.client = client;
    this.handlers.onReconnect();
  }
}
