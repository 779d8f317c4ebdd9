import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Info, Mutation, Query, Resolver } from 'type-graphql';
import { isUserPrincipal } from '../../auth/principal';
import type { RequestContext } from '../../context';
import { noteSecondFactor } from './second-factor-audit';
import { tenantEm } from '../common/tenant-em';
import { requiresMfa } from '../settings/settings.service';
import { accountsOf, accountsOfContext } from './account-context';
import { describePrincipal, meOf } from './me';
import * as sessions from './session.service';
import { AuthPayload, Me } from './session.types';

function deps(ctx: RequestContext): sessions.SignInDeps {
  return {
    tokens: ctx.services.tokens,
    throttle: ctx.services.loginThrottle,
    tenantId: ctx.tenant?.id,
    requiresMfa: async () => (ctx.tenant ? requiresMfa(await tenantEm(ctx)) : false),
  };
}

function payload(signedIn: sessions.SignedIn, ctx: RequestContext): AuthPayload {
  const kind = ctx.tenant ? 'tenant' : 'platform';
  const user = meOf(signedIn.account, { kind, roles: signedIn.roles, mfaPending: signedIn.mfaPending }, ctx);
  return { token: signedIn.token, refreshToken: signedIn.refreshToken, expiresAt: signedIn.expiresAt, user };
}

@Resolver()
export class SessionResolver {
  @Mutation(() => AuthPayload, {
    description:
      "Signs in a hospital's user (in a hospital) or a platform user (on the platform host). With MFA on, the first try without mfaCode fails with UNAUTHENTICATED and extensions.mfaRequired.",
  })
  async login(
    @Arg('email') email: string,
    @Arg('password') password: string,
    @Arg('mfaCode', () => String, { nullable: true, description: 'Current TOTP code, or one of the account’s unused recovery codes, when the account has MFA on.' }) mfaCode: string | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<AuthPayload> {
    const signedIn = await sessions.signIn(await accountsOfContext(ctx), deps(ctx), { email, password, mfaCode });
    noteSecondFactor(ctx, info, signedIn.secondFactor);
    return payload(signedIn, ctx);
  }

  @Mutation(() => AuthPayload, { description: 'A new token pair for a refresh token, which is spent; replaying a spent one ends its session.' })
  async refreshToken(@Arg('refreshToken') refreshToken: string, @Ctx() ctx: RequestContext): Promise<AuthPayload> {
    const signedIn = await sessions.refresh(await accountsOfContext(ctx), deps(ctx), refreshToken);
    return payload(signedIn, ctx);
  }

  @Mutation(() => Boolean, { description: 'Ends this session: its refresh token and access tokens stop working at once.' })
  async logout(@Ctx() ctx: RequestContext): Promise<boolean> {
    const principal = ctx.principal;
    if (!isUserPrincipal(principal)) return false;
    await (await accountsOf(ctx, principal)).revokeSession(principal.sessionId);
    return true;
  }

  @Query(() => Me, { nullable: true, description: 'The signed-in principal, or null when anonymous.' })
  async me(@Ctx() ctx: RequestContext): Promise<Me | null> {
    return ctx.principal ? describePrincipal(ctx.principal, ctx) : null;
  }
}
