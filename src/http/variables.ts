import type { NextFunction, Request, Response } from 'express';
import { BadInputError } from '../errors';
import { errorBody } from './request-error';

/**
 * How deep a request's variables may nest arrays and objects: far deeper than any input the schema
 * declares (an invoice's lines are three levels down), far shallower than what exhausts the stack of
 * a recursive walk (JSON.stringify's, a check's).
 */
export const MAX_VARIABLE_DEPTH = 16;

/** Whether `value` nests arrays and objects more than `limit` levels deep; looked at level by level, never recursively. */
function nestedBeyond(value: unknown, limit: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > limit) return true;
    const next: unknown[] = [];
    for (const item of level) {
      if (item === null || typeof item !== 'object') continue;
      for (const child of Array.isArray(item) ? item : Object.values(item)) next.push(child);
    }
    level = next;
  }
  return false;
}

/**
 * Refuses (400, BAD_USER_INPUT naming each variable) a GraphQL request whose variables nest more than
 * MAX_VARIABLE_DEPTH levels deep, as soon as its body is parsed: JSON.parse reads any depth a body
 * within MAX_BODY_BYTES can hold, but the checks and the cost estimate that read variables walk them
 * recursively, and thousands of levels exhausted the stack (an internal error). Nothing of the
 * request (tenant, credentials, Apollo) runs first. Variables that are not an object are left to Apollo.
 */
export function refuseDeepVariables(req: Request, res: Response, next: NextFunction): void {
  const variables: unknown = (req.body as { variables?: unknown } | undefined)?.variables;
  if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) return next();
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (nestedBeyond(value, MAX_VARIABLE_DEPTH)) fields[`$${name}`] = `is nested more than ${MAX_VARIABLE_DEPTH} levels deep`;
  }
  if (Object.keys(fields).length === 0) return next();
  const error = BadInputError.forFields(fields);
  res.status(400).json(errorBody(error.message, error.code, error.details));
}
