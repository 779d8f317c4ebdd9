import type { ApolloServerPlugin } from '@apollo/server';
import type { Request, Response } from 'express';
import cluster from 'node:cluster';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestContext } from '../context';
import type { Logger } from '../logger';
import type { Tenancy } from '../tenancy';
import { MetricsUnavailableError, WorkerMetrics } from './cluster-metrics';

/** Prometheus metrics of one gateway (its own registry, so several apps in one process never clash). */
export class Telemetry {
  readonly registry = new Registry();
  readonly requests: Counter<'tenant' | 'operation' | 'type' | 'outcome'>;
  readonly duration: Histogram<'tenant' | 'operation' | 'type'>;
  readonly errors: Counter<'tenant' | 'operation' | 'code'>;
  readonly rejected: Counter<'code'>;
  /** In a cluster worker: where the whole gateway's metrics come from. */
  private readonly workerMetrics = cluster.isWorker ? new WorkerMetrics(this.registry) : null;

  constructor(tenancy: Tenancy) {
    const registers = [this.registry];
    // Configured bounds hold per process: with several workers, one worker's value (see cluster-metrics.ts).
    const PER_WORKER = 'first' as const;
    collectDefaultMetrics({ register: this.registry, prefix: 'sovereign_' });
    this.requests = new Counter({ name: 'sovereign_graphql_requests_total', help: 'GraphQL requests by hospital, operation (root fields) and outcome', labelNames: ['tenant', 'operation', 'type', 'outcome'], registers });
    this.duration = new Histogram({
      name: 'sovereign_graphql_request_duration_seconds',
      help: 'GraphQL request latency by hospital and operation',
      labelNames: ['tenant', 'operation', 'type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.errors = new Counter({ name: 'sovereign_graphql_errors_total', help: 'GraphQL errors by hospital, operation and error code', labelNames: ['tenant', 'operation', 'code'], registers });
    this.rejected = new Counter({ name: 'sovereign_graphql_rejected_total', help: 'Requests refused before execution (unknown or suspended hospital, bad credentials) by code', labelNames: ['code'], registers });
    new Gauge({ name: 'sovereign_db_open_pools', help: 'Runtime connection pools open (one per database)', registers, collect() { this.set(tenancy.pools.openPools); } });
    new Gauge({ name: 'sovereign_db_pool_leases_in_use', help: 'Pool leases held by requests in flight', registers, collect() { this.set(tenancy.pools.leasesInUse); } });
    new Gauge({ name: 'sovereign_db_max_open_pools', help: 'Bound on open runtime pools: DB_MAX_OPEN_POOLS, or fewer when DB_CONNECTION_BUDGET / DB_POOL_SIZE is lower', registers, aggregator: PER_WORKER, collect() { this.set(tenancy.pools.bounds.maxOpen); } });
    new Gauge({ name: 'sovereign_db_connection_budget', help: 'Configured bound on runtime connections over all pools (DB_CONNECTION_BUDGET)', registers, aggregator: PER_WORKER, collect() { this.set(tenancy.pools.bounds.budget); } });
    new Gauge({ name: 'sovereign_db_pool_size', help: 'Configured connections per runtime pool (DB_POOL_SIZE)', registers, aggregator: PER_WORKER, collect() { this.set(tenancy.pools.bounds.size); } });
  }

  /**
   * `GET /metrics` in the Prometheus text format, of the whole gateway (every worker; 503 when a worker
   * does not report in time); with a token configured, only for its bearer.
   */
  handler(token: string | undefined) {
    return async (req: Request, res: Response) => {
      if (token && req.headers.authorization !== `Bearer ${token}`) {
        res.status(401).json({ error: 'unauthorized' });
        return;
      }
      try {
        const text = this.workerMetrics ? await this.workerMetrics.gather() : await this.registry.metrics();
        res.type(this.registry.contentType).send(text);
      } catch (error) {
        if (!(error instanceof MetricsUnavailableError)) throw error;
        res.status(503).json({ error: 'metrics unavailable', reason: error.message });
      }
    };
  }
}

const MAX_FIELDS = 5;

/**
 * The operation label: the root fields the document runs, sorted (bounded by the schema, unlike the
 * client-chosen operation name, which is never used as a label or logged).
 */
export function operationLabel(operation: OperationDefinitionNode | undefined): string {
  if (!operation) return 'invalid';
  const names = new Set<string>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) selection.selectionSet.selections.forEach((s) => s.kind === Kind.FIELD && names.add(s.name.value));
    else names.add('fragment');
  }
  const sorted = [...names].sort();
  return sorted.length > MAX_FIELDS ? `${sorted.slice(0, MAX_FIELDS).join(',')},…` : sorted.join(',');
}

/**
 * Per request: counts, latency and errors per hospital and operation; one structured log line with the
 * request id and hospital slug (never variables, documents or results, so never patient data); a
 * warning for operations slower than `slowMs`; the request id echoed as `x-request-id`.
 */
export function telemetryPlugin(telemetry: Telemetry, logger: Logger, slowMs: number): ApolloServerPlugin<RequestContext> {
  return {
    async contextCreationDidFail({ error }) {
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      telemetry.rejected.inc({ code: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR' });
    },
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ contextValue: ctx, operation, response }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const tenant = ctx.tenant?.slug ?? 'platform';
          const op = operationLabel(operation);
          const type = operation?.operation ?? 'unknown';
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          telemetry.requests.inc({ tenant, operation: op, type, outcome: codes.length ? 'error' : 'success' });
          telemetry.duration.observe({ tenant, operation: op, type }, seconds);
          for (const code of codes) telemetry.errors.inc({ tenant, operation: op, code });
          response.http.headers.set('x-request-id', ctx.requestId);
          const line = {
            requestId: ctx.requestId,
            tenant: ctx.tenant?.slug ?? null,
            operation: op,
            type,
            principal: ctx.principal ? { kind: ctx.principal.kind, id: ctx.principal.id } : null,
            durationMs: Math.round(seconds * 1000),
            errors: codes,
          };
          logger.info(line, 'graphql request');
          if (seconds * 1000 >= slowMs) logger.warn({ ...line, thresholdMs: slowMs }, 'slow operation');
        },
      };
    },
  };
}
