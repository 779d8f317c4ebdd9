import type { MiddlewareFn } from 'type-graphql';
import type { RequestContext } from '../context';

/** Each root mutation runs in its own savepoint: it either fully happens or leaves nothing behind. */
export const atomicMutations: MiddlewareFn<RequestContext> = ({ info, context }, next) => {
  if (info.parentType.name !== 'Mutation' || info.path.prev !== undefined || !context.session) return next();
  return context.session.atomic(() => next());
};
