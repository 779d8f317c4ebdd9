import { or, rule } from 'graphql-shield';
import { hasTenantRole } from '../../auth/rules';
import type { RequestContext } from '../../context';
import { AuthError } from '../../errors';
import type { User } from './user.entity';

const admin = hasTenantRole('ADMIN');

/** The hospital user reading their own account, wherever it appears in a result (e.g. as an appointment's clinician). */
const ownAccount = rule('ownAccount', { cache: 'no_cache' })((user: User, _a, ctx: RequestContext) =>
  ctx.principal?.kind === 'tenant' && ctx.principal.id === user.id ? true : AuthError.forbidden('Only the hospital’s ADMINs and the user themself see this'),
);
/** A user's account details, as `users` shows them: the hospital's ADMINs, platform admins and the user themself. */
const accountDetail = or(ownAccount, admin);

export const userPermissions = {
  Query: { users: admin },
  Mutation: {
    createUser: admin,
    setUserRoles: admin,
    deactivateUser: admin,
    reactivateUser: admin,
    resetPassword: admin,
    resetUserMfa: admin,
  },
  // Field level: every role that sees a user (a clinician, a department's staff) sees who they are; only these see the account.
  User: { email: accountDetail, roles: accountDetail, active: accountDetail, mfaEnabled: accountDetail },
};
