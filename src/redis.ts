import Redis, { type Command, type RedisOptions } from 'ioredis';
import type { Logger } from './logger';

/**
 * How long `disconnect()` waits for the socket it ends to close before destroying it (ioredis's
 * default: 2 s). Once Redis has become unreachable, ioredis (6.0) arms this timer on the socket of the
 * last failed attempt, which has closed already and never says so again: the timer always runs out,
 * and as a ref'd timer it kept a stopping gateway (or a test worker) alive for its length. A client is
 * only disconnected when nothing is left to send, so there is nothing to wait for.
 */
const DISCONNECT_TIMEOUT_MS = 50;
/** How long a command (the connection's own set-up commands included) may go unanswered: Redis answers in a millisecond or two. */
export const COMMAND_TIMEOUT_MS = 1_000;
/** How long opening the TCP connection may take. */
export const CONNECT_TIMEOUT_MS = 2_000;
/** The error ioredis rejects a command with once COMMAND_TIMEOUT_MS has passed without its answer. */
const TIMED_OUT = 'Command timed out';

/** Redis could not be reached when start-up asked for it (start-up waits for it, like for the database). */
export class RedisUnreachableError extends Error {
  constructor(cause: unknown) {
    super(`Redis (REDIS_URL) not reachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RedisUnreachableError';
  }
}

/**
 * A client that counts a command left unanswered past its timeout as a lost connection: it drops the
 * connection and connects again (ioredis's backoff), so until Redis answers again the client is not
 * ready and its users take their fallback at once, exactly as when Redis refuses connections, rather
 * than each waiting out a timeout on a connection that Redis accepts and never answers.
 */
class GatewayRedis extends Redis {
  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    const reply = super.sendCommand(command, stream);
    command.promise.catch((error: unknown) => {
      if (this.status !== 'ready' || command.name === 'quit' || !(error instanceof Error) || error.message !== TIMED_OUT) return;
      this.emit('error', new Error(`Redis did not answer ${command.name} within ${this.options.commandTimeout} ms`));
      this.disconnect(true);
    });
    return reply;
  }
}

/** What a client is for, in its log lines (`redis` field), and where they go. */
export interface RedisUse {
  name: string;
  logger: Pick<Logger, 'warn' | 'info'>;
}

/**
 * A Redis client of the gateway: it connects when `connect()` is called, refuses commands at once
 * while it is not connected (no offline queue, no retry of a command on a new connection), gives up on
 * a command or a connection that is not answered within COMMAND_TIMEOUT_MS or CONNECT_TIMEOUT_MS,
 * reconnects by itself, and stops without lingering. With `use`, it logs once (warn) when Redis
 * becomes unreachable and once (info) when it is back, never per command.
 */
export function redisClient(url: string, options: Omit<RedisOptions, 'replyMapping'> = {}, use?: RedisUse): Redis {
  const client = new GatewayRedis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...options,
    lazyConnect: true,
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
  });
  let reachable = true;
  client.on('error', (error: unknown) => {
    if (!reachable) return;
    reachable = false;
    use?.logger.warn({ redis: use.name, err: error instanceof Error ? error.message : String(error) }, 'Redis unreachable; counting in memory until it is back');
  });
  client.on('ready', () => {
    if (reachable) return;
    reachable = true;
    use?.logger.info({ redis: use.name }, 'Redis reachable again; counting in Redis');
  });
  return client;
}

/** Connects to Redis once and disconnects; throws RedisUnreachableError when that fails or is not answered. */
export async function checkRedisReachable(url: string): Promise<void> {
  const probe = redisClient(url, { retryStrategy: () => null });
  try {
    await probe.connect();
  } catch (error) {
    throw new RedisUnreachableError(error);
  } finally {
    probe.disconnect();
  }
}
