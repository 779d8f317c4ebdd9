import type { ServerConfig } from '../config';
import { UnconfiguredServerError } from '../db/faults';
import { MAIN_SERVER } from './placement';

/**
 * The PostgreSQL servers that hold placements. Each has an owner URL (migrations, provisioning) and a
 * runtime URL derived from it that signs in as the runtime role, which owns nothing and has no BYPASSRLS.
 */
export class ServerRegistry {
  private readonly servers = new Map<string, URL>();

  constructor(
    mainUrl: string,
    extra: ServerConfig[],
    private readonly appRole: { name: string; password: string },
  ) {
    this.servers.set(MAIN_SERVER, new URL(mainUrl));
    for (const s of extra) this.servers.set(s.name, new URL(s.url));
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(appRole.name)) throw new Error('APP_DB_ROLE must be a plain lower-case name');
  }

  get mainDatabase(): string {
    return decodeURIComponent(this.url(MAIN_SERVER).pathname.slice(1)) || 'postgres';
  }

  get names(): string[] {
    return [...this.servers.keys()];
  }

  has(name: string): boolean {
    return this.servers.has(name);
  }

  /** Owner connection to `database` on `server` (defaults to the server's own database). */
  ownerUrl(server: string, database?: string): string {
    const url = new URL(this.url(server));
    if (database) url.pathname = `/${encodeURIComponent(database)}`;
    return url.toString();
  }

  /** Runtime-role connection to `database` on `server` (defaults to the server's own database). */
  runtimeUrl(server: string, database?: string): string {
    const url = new URL(this.ownerUrl(server, database));
    url.username = this.appRole.name;
    url.password = this.appRole.password;
    return url.toString();
  }

  get runtimeRole(): { name: string; password: string } {
    return this.appRole;
  }

  private url(name: string): URL {
    const url = this.servers.get(name);
    if (!url) throw new UnconfiguredServerError(name);
    return url;
  }
}
