import type { IMiddlewareFunction, IMiddlewareTypeMap } from 'graphql-middleware';
import type { RequestContext } from '../context';

/** No root field starts once the request's deadline has passed (REQUEST_TIMEOUT); later mutations of a document are not begun. */
const refuseWhenLate: IMiddlewareFunction<unknown, RequestContext> = async (resolve, parent, args, ctx, info) => {
  ctx.deadline.check();
  return resolve(parent, args, ctx, info);
};

export const deadlineMiddleware: IMiddlewareTypeMap<unknown, RequestContext> = { Query: refuseWhenLate, Mutation: refuseWhenLate };
