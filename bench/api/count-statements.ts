import { subscribe } from 'node:diagnostics_channel';
import { Client } from 'pg';

/**
 * Preloaded (`node --require`) into a server under test: counts the statements it sends through
 * node-postgres and the HTTP requests it receives, answers `'counts'` on the IPC channel and exits on `'exit'`, so
 * statements per request are counted where they are sent rather than guessed.
 */
let statements = 0;
let requests = 0;

const query = Client.prototype.query;
Client.prototype.query = function countedQuery(this: Client, ...args: unknown[]) {
  statements += 1;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

subscribe('http.server.request.start', () => {
  requests += 1;
});

process.on('message', (message) => {
  if (message === 'counts') process.send?.({ statements, requests });
  if (message === 'exit') process.exit(0); // the benchmark is over: no graceful drain needed
});
