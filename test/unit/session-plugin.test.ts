import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { buildSchema } from 'graphql';
import type { RequestContext } from '../../src/context';
import { Deadline } from '../../src/deadline';
import { tenantSessionPlugin } from '../../src/http/session-plugin';
import { createLogger } from '../../src/logger';

const schema = buildSchema('type Query { ping: Boolean }');

/** A plugin whose hook throws, as a bug in any plugin might. */
const throwing: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async executionDidStart() {
        throw new TypeError('a plugin bug');
      },
    };
  },
};

describe('tenant session plugin', () => {
  it('rolls back the session of a request whose pipeline fails', async () => {
    const logger = createLogger('silent');
    const server = new ApolloServer<RequestContext>({ schema, logger, plugins: [tenantSessionPlugin(logger), throwing] });
    await server.start();
    try {
      const ends: string[] = [];
      const session = {
        started: true,
        end: async (commit: boolean) => void ends.push(commit ? 'commit' : 'rollback'),
        abandon: async () => void ends.push('abandon'),
        forgetReads: () => undefined,
      };
      const contextValue = { session, deadline: Deadline.after(10_000), pipeline: { started: false }, audit: [] } as unknown as RequestContext;
      await expect(server.executeOperation({ query: '{ ping }' }, { contextValue })).rejects.toThrow('Internal server error');
      expect(ends).toEqual(['abandon']);
    } finally {
      await server.stop();
    }
  });
});
