import { loadConfig } from '../config';
import { failureReason } from '../db/failure-reason';
import { MAIN_SERVER } from '../tenancy/placement';

/** Fields Node and node-postgres put on the errors the CLI explains. */
interface ErrorFields {
  code?: unknown;
  syscall?: string;
  path?: string;
  address?: string;
  port?: number;
  hostname?: string;
  severity?: string;
  errors?: unknown[];
}

function fieldsOf(error: unknown): ErrorFields {
  return typeof error === 'object' && error !== null ? (error as ErrorFields) : {};
}

/** Errors of a connection that never got through. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** The configured database servers (none when the configuration cannot be read). */
function configuredServers(): { name: string; host: string; port: string }[] {
  try {
    const config = loadConfig();
    const main = { name: MAIN_SERVER, url: config.databaseUrl ?? `postgres://127.0.0.1:${config.embeddedPgPort}/` };
    return [main, ...config.extraServers].map(({ name, url }) => {
      const parsed = new URL(url);
      return { name, host: parsed.hostname, port: parsed.port || '5432' };
    });
  } catch {
    return [];
  }
}

/** `database server NAME (host:port) unreachable: reason`, naming the configured server the address belongs to. */
function unreachable(fields: ErrorFields, reason: string): string {
  const host = fields.hostname ?? fields.address ?? '';
  const port = fields.port === undefined ? undefined : String(fields.port);
  const servers = configuredServers();
  const samePort = servers.filter((s) => port === undefined || s.port === port);
  const server = samePort.find((s) => s.host === host) ?? (port !== undefined && samePort.length === 1 ? samePort[0] : undefined);
  const where = server ? `${server.name} (${server.host}:${server.port})` : `at ${host}${port ? `:${port}` : ''}`;
  return `database server ${where} unreachable: ${reason}`;
}

/**
 * One line for a failure that is neither a domain nor a configuration error: what failed and why (a
 * database server that cannot be reached, PostgreSQL's refusal with its code, a file that cannot be
 * opened), never the stack or the error's fields.
 */
export function describeFailure(error: unknown): string {
  const outer = fieldsOf(error);
  // A connection tried over several addresses fails with all of them (and no message); the first says enough.
  const source = Array.isArray(outer.errors) && outer.errors.length > 0 && !(error as Error).message ? outer.errors[0] : error;
  const fields = fieldsOf(source);
  const reason = failureReason(source);
  const code = typeof fields.code === 'string' ? fields.code : typeof outer.code === 'string' ? outer.code : undefined;
  if (code && UNREACHABLE.has(code)) return unreachable(fields, reason);
  if (code && fields.severity) return `PostgreSQL error ${code}: ${reason}`;
  if (code && fields.syscall && fields.path) {
    const what = reason.replace(/^E[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
    return `cannot ${fields.syscall} ${fields.path}: ${what} (${code})`;
  }
  return reason;
}
