import { Client } from 'pg';

/** The application_name of the listening connection, as pg_stat_activity shows it. */
export const LISTENER_NAME = 'sovereign catalog listener';

/** How long connecting (up to the server's first "ready") may take before the attempt counts as failed. */
export const CONNECT_TIMEOUT_MS = 5_000;
/**
 * How often the listening connection is checked with `select 1`. A connection that a NAT or firewall
 * forgot, or that a failover left without a reset, reports no error and no end, and a LISTEN on it
 * just hears nothing: only an answer expected and not coming tells (kernel keepalive, by default, only
 * after two hours).
 */
export const HEARTBEAT_EVERY_MS = 5_000;
/** How long the LISTEN or a heartbeat may go unanswered before the connection counts as lost. */
export const QUERY_TIMEOUT_MS = 5_000;

const RETRY = { firstMs: 250, maxMs: 5_000 };

/** What the listener reports. */
export interface ListenerHandlers {
  /** A notification's payload. */
  onMessage(payload: string): void;
  /** Listening again after the connection was lost: notifications sent meanwhile were missed. */
  onReconnect(): void;
  /** The connection was lost (called once per loss, before the attempts to listen again). */
  onLost?(): void;
}

/** Closes a connection's socket at once, sending nothing more: for a connection lost or abandoned. */
const drop = (client: Client) => void client.connection.stream.destroy();

/**
 * One dedicated connection (owner credentials, outside every pool) that LISTENs on `channel` in the
 * database of `url`. When the connection is lost (the server restarted, the backend was terminated, or
 * a heartbeat went unanswered: within HEARTBEAT_EVERY_MS + QUERY_TIMEOUT_MS of the connection going
 * silent) it connects and LISTENs again by itself, retrying with backoff (0.25 s doubling to 5 s), and
 * calls `onReconnect` once it listens again. PostgreSQL delivers a notification only to sessions of
 * the database it was sent in, so the database alone keeps deployments apart.
 */
export class CatalogListener {
  private client: Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  /** The client of a connection attempt under way: close abandons it rather than wait for an answer. */
  private connecting: Client | undefined;
  /** A reconnection under way (close waits for it to settle, so it leaves no connection behind). */
  private attempt: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly handlers: ListenerHandlers,
  ) {}

  /**
   * Connects and LISTENs; rejects (leaving nothing open, retrying nothing) if the first attempt fails
   * or has no answer within CONNECT_TIMEOUT_MS (connecting) or QUERY_TIMEOUT_MS (the LISTEN).
   */
  static async open(url: string, channel: string, handlers: ListenerHandlers): Promise<CatalogListener> {
    const listener = new CatalogListener(url, channel, handlers);
    listener.client = await listener.connect();
    return listener;
  }

  /** Stops listening and reconnecting, and closes the connection; a connection attempt under way is abandoned. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    if (this.connecting) drop(this.connecting);
    await this.attempt;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.url,
      application_name: LISTENER_NAME,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
    });
    client.on('error', () => undefined); // until it listens, a failure rejects the attempt instead
    client.on('notification', (message) => {
      if (message.channel === this.channel && message.payload !== undefined) this.handlers.onMessage(message.payload);
    });
    this.connecting = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
    } catch (error) {
      drop(client);
      throw error;
    } finally {
      this.connecting = undefined;
    }
    this.watch(client);
    return client;
  }

  /** Reconnects when `client`'s connection fails, ends, or leaves a heartbeat unanswered. */
  private watch(client: Client): void {
    let lost = false;
    let heartbeat: NodeJS.Timeout | undefined;
    const onLost = () => {
      if (lost) return;
      lost = true;
      clearTimeout(heartbeat);
      drop(client);
      if (this.client === client) this.client = undefined;
      if (this.closed) return;
      this.handlers.onLost?.();
      this.reconnectAfter(RETRY.firstMs);
    };
    const beatLater = () => {
      heartbeat = setTimeout(() => client.query('select 1').then(beatLater, onLost), HEARTBEAT_EVERY_MS);
      heartbeat.unref();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    beatLater();
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
