import Redis, { type RedisOptions } from 'ioredis';

/**
 * How long `disconnect()` waits for the socket it ends to close before destroying it (ioredis's
 * default: 2 s). Once Redis has become unreachable, ioredis (6.0) arms this timer on the socket of the
 * last failed attempt, which has closed already and never says so again: the timer always runs out,
 * and as a ref'd timer it kept a stopping gateway (or a test worker) alive for its length. A client is
 * only disconnected when nothing is left to send, so there is nothing to wait for.
 */
const DISCONNECT_TIMEOUT_MS = 50;

/** A Redis client of the gateway: it connects when `connect()` is called, and stops without lingering. */
export function redisClient(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { ...options, lazyConnect: true, disconnectTimeout: DISCONNECT_TIMEOUT_MS });
}
