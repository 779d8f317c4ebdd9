import { Socket } from 'node:net';

/**
 * The sockets of one pool's connections, so that a pool can be closed when its server stops
 * answering: closing a connection politely (pg's Terminate, then waiting for the server to close its
 * end) never finishes against a server that says nothing, and would keep the pool, and its share of
 * the connection budget, for good.
 */
export class TrackedSockets {
  private readonly open = new Set<Socket>();

  /** For pg's `stream` option: a plain socket, as pg makes by default, remembered until it closes. */
  readonly create = (): Socket => {
    const socket = new Socket();
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    return socket;
  };

  /** Closes every socket at once, without a word to the server (its connections end as a lost network ends them). */
  destroyAll(): void {
    for (const socket of this.open) socket.destroy();
  }
}
