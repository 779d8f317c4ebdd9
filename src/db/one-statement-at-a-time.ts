import fastq from 'fastq';

type Query = (...args: unknown[]) => unknown;
type Callback = (error: Error | null, result?: unknown) => void;

interface Statement {
  args: unknown[];
  callback: Callback;
}

/**
 * Has a node-postgres connection take its statements one at a time, in the order they were sent.
 *
 * GraphQL resolves sibling fields at once, so a request's loaders (appointments, lab results and
 * invoices of one page) send their statements on the request's one transaction connection together.
 * node-postgres has always queued them itself, but deprecates that queue (it warns from the third,
 * and pg 9 drops it) and asks callers for their own flow control: this is it, with the same
 * first-in, first-out order, so what the statements see and do is unchanged. A statement is sent as
 * soon as the one before it is answered (at once when the connection is idle), and a connection-level
 * failure still reaches every statement: the waiting ones are then refused by the closed connection.
 *
 * Statements sent as objects with their own `submit` (cursors, streams: none of the gateway's) go
 * straight to the connection, as before.
 */
export function oneStatementAtATime(connection: object): void {
  // Looked up on each call, not kept: whoever wraps the driver's query (a statement counter) still sees every statement.
  const send = (args: unknown[]) => (Object.getPrototypeOf(connection) as { query: Query }).query.apply(connection, args);
  const queue = fastq<unknown, Statement, void>((statement, next) => {
    const answered: Callback = (error, result) => {
      next(null); // the next statement goes out first, so a throwing callback cannot stall the connection
      statement.callback(error, result);
    };
    try {
      send([...statement.args, answered]);
    } catch (error) {
      answered(error as Error); // the driver refused the arguments before sending anything
    }
  }, 1);
  (connection as { query: Query }).query = (...args: unknown[]) => {
    if (typeof (args[0] as { submit?: unknown } | undefined)?.submit === 'function') return send(args);
    if (typeof args[args.length - 1] === 'function') {
      const callback = args.pop() as Callback;
      queue.push({ args, callback });
      return undefined;
    }
    return new Promise((resolve, reject) => queue.push({ args, callback: (error, result) => (error ? reject(error) : resolve(result)) }));
  };
}
