import type http from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/**
 * The first step of stopping an HTTP server, before the drain of requests in flight (Apollo's drain
 * plugin, which closes idle connections at once). Closing an idle keep-alive connection races with a
 * client sending its next request on it: that request is reset (ECONNRESET) and, being a POST, no
 * client retries it. So on `begin` the server stops accepting connections but keeps the open ones;
 * every answer from then on, and those of requests in flight, carries `Connection: close`, after which
 * a client sends nothing more on that connection and Node closes it; and only once `lastCallMs` has
 * passed (sooner when every connection has closed) are the ones still idle closed.
 */
export class LastCall {
  private closing = false;
  private readonly answering = new Set<http.ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private allClosed: (() => void) | null = null;

  constructor(private readonly server: http.Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => {
        this.sockets.delete(socket);
        if (this.sockets.size === 0) this.allClosed?.();
      });
    });
    // Before the app's own listener, which may answer at once (a health check, a 404).
    server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      if (this.closing) return res.setHeader('connection', 'close');
      this.answering.add(res);
      res.once('close', () => this.answering.delete(res));
    });
  }

  /** Stops accepting connections and waits up to `lastCallMs` for clients to finish with the open ones. */
  async begin(lastCallMs: number): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const res of this.answering) if (!res.headersSent) res.setHeader('connection', 'close');
    // net's close, not http's: http's also closes the idle connections at once (Node 19 and later).
    NetServer.prototype.close.call(this.server);
    if (this.sockets.size === 0 || lastCallMs === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, lastCallMs);
      this.allClosed = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
