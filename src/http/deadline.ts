import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Deadline } from '../deadline';
import { UnavailableError } from '../errors';
import { errorBody } from './request-error';

const TIMED_OUT = UnavailableError.timedOut();
const TIMED_OUT_BODY = errorBody(TIMED_OUT.message, TIMED_OUT.code);

/**
 * Gives each GraphQL request a deadline (`res.locals.deadline`, read by the context) and answers
 * REQUEST_TIMEOUT (504) when it passes, whatever the request is still waiting for. The request's
 * work carries on only until its statement is cancelled (its statement timeout is capped by the
 * deadline) and is then rolled back; its own late answer is discarded.
 */
export function withDeadline(ms: number, handler: RequestHandler): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const deadline = Deadline.after(ms);
    res.locals.deadline = deadline;
    const timer = setTimeout(() => {
      if (deadline.expire() && !res.headersSent) res.status(504).json(TIMED_OUT_BODY);
    }, ms);
    try {
      await handler(req, res, next);
    } catch (error) {
      // Past the deadline the late answer finds the response already sent; that is expected.
      if (!(deadline.expired && res.headersSent)) throw error;
    } finally {
      clearTimeout(timer);
    }
  };
}
