import { rule } from 'graphql-shield';
import type { RequestContext } from '../../context';
import { isTrialExpired, planLimitReached } from './plan-limits';

/** Mutations that stay open in a read-only (expired trial) hospital. */
// Signing in and out and securing one's own account stay possible in an expired (read-only) trial.
export const READ_ONLY_EXEMPT = new Set([
  'login',
  'refreshToken',
  'logout',
  'changePassword',
  'startMfaEnrollment',
  'confirmMfaEnrollment',
  'regenerateMfaRecoveryCodes',
  'disableMfa',
]);

/** An expired trial is read-only: every write inside it is PLAN_LIMIT_REACHED (reason TRIAL_EXPIRED). */
export const tenantWritable = rule('tenantWritable', { cache: 'no_cache' })((_p, _a, ctx: RequestContext) =>
  ctx.tenant && isTrialExpired(ctx.tenant)
    ? planLimitReached('The trial of this hospital has ended; it is read-only until the plan is changed', { reason: 'TRIAL_EXPIRED' })
    : true,
);
