import type { GraphQLResolveInfo } from 'graphql';
import type { RequestContext } from '../../context';
import { noteDetail } from '../../graphql/audit-fields';
import type { SecondFactor } from './session.service';

/**
 * Notes in the audit entry that a recovery code was the second factor: its use is a signal a
 * security team watches (a lost authenticator, or a stolen code). A TOTP code is the usual case and is not noted.
 */
export function noteSecondFactor(ctx: RequestContext, info: GraphQLResolveInfo, used: SecondFactor | null): void {
  if (used === 'recovery code') noteDetail(ctx.audit, info.path, 'second factor: recovery code');
}
