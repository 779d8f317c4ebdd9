import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Info, Mutation, Resolver } from 'type-graphql';
import { isUserPrincipal, type UserPrincipal } from '../../auth/principal';
import type { RequestContext } from '../../context';
import { AuthError } from '../../errors';
import { tenantEm } from '../common/tenant-em';
import { requiresMfa } from '../settings/settings.service';
import { accountsOf } from './account-context';
import * as account from './account.service';
import { describePrincipal } from './me';
import { noteSecondFactor } from './second-factor-audit';
import { ChangePasswordInput, Me, MfaEnrollment, UpdateProfileInput } from './session.types';

function user(ctx: RequestContext): UserPrincipal {
  if (!isUserPrincipal(ctx.principal)) throw AuthError.unauthenticated();
  return ctx.principal;
}

/** The caller's own account: password, profile, second factor. Works for hospital and platform users. */
@Resolver()
export class AccountResolver {
  @Mutation(() => Boolean, { description: 'Changes your password; your other sessions end.' })
  async changePassword(@Arg('input') input: ChangePasswordInput, @Ctx() ctx: RequestContext): Promise<boolean> {
    const principal = user(ctx);
    await account.changePassword(await accountsOf(ctx, principal), ctx.services.loginThrottle, principal, input);
    return true;
  }

  @Mutation(() => Me)
  async updateProfile(@Arg('input') input: UpdateProfileInput, @Ctx() ctx: RequestContext): Promise<Me> {
    const principal = user(ctx);
    await account.updateProfile(await accountsOf(ctx, principal), principal, input);
    return describePrincipal(principal, ctx);
  }

  @Mutation(() => MfaEnrollment, { description: 'Starts TOTP enrolment; MFA is on once confirmMfaEnrollment accepts a code.' })
  async startMfaEnrollment(@Ctx() ctx: RequestContext): Promise<MfaEnrollment> {
    const principal = user(ctx);
    const issuer = principal.kind === 'tenant' && ctx.tenant ? `Sovereign ${ctx.tenant.name}` : 'Sovereign platform';
    return account.startMfaEnrollment(await accountsOf(ctx, principal), principal, issuer);
  }

  @Mutation(() => Me, { description: 'Turns MFA on with your password and a code from the new secret; this session counts as two-factor from now.' })
  async confirmMfaEnrollment(@Arg('code') code: string, @Arg('password') password: string, @Ctx() ctx: RequestContext): Promise<Me> {
    const principal = user(ctx);
    await account.confirmMfaEnrollment(await accountsOf(ctx, principal), ctx.services.loginThrottle, principal, { code, password });
    return describePrincipal(principal.kind === 'tenant' ? { ...principal, mfaPending: false } : principal, ctx);
  }

  @Mutation(() => [String], {
    description:
      'New one-time recovery codes for signing in (as mfaCode) or turning MFA off without the authenticator, replacing any earlier ones. ' +
      'Shown only this once. Needs MFA on, a session signed in with the second factor, and your password.',
  })
  async regenerateMfaRecoveryCodes(@Arg('password') password: string, @Ctx() ctx: RequestContext): Promise<string[]> {
    const principal = user(ctx);
    return account.regenerateMfaRecoveryCodes(await accountsOf(ctx, principal), ctx.services.loginThrottle, principal, password);
  }

  @Mutation(() => Me, { description: 'Turns MFA off with a current code or a recovery code (refused where the hospital requires MFA).' })
  async disableMfa(@Arg('code') code: string, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Me> {
    const principal = user(ctx);
    const required = principal.kind === 'tenant' && ctx.tenant ? await requiresMfa(await tenantEm(ctx)) : false;
    noteSecondFactor(ctx, info, await account.disableMfa(await accountsOf(ctx, principal), ctx.services.loginThrottle, principal, code, required));
    return describePrincipal(principal, ctx);
  }
}
