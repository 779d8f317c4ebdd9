import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { verifyPassword } from '../../auth/passwords';
import type { Principal } from '../../auth/principal';
import type { RequestContext } from '../../context';
import { AuthError } from '../../errors';
import { tenantEm } from '../common/tenant-em';
import { findPlatformUserForLogin } from '../platform/platform-user.service';
import { findUserForLogin } from '../users/user.service';
import { AuthPayload, Me } from './session.types';

function toMe(principal: Principal, ctx: RequestContext): Me {
  const tenant = principal.kind === 'tenant' && ctx.tenant ? { slug: ctx.tenant.slug, name: ctx.tenant.name } : null;
  return { id: principal.id, email: principal.email, roles: [...principal.roles], tenant };
}

@Resolver()
export class SessionResolver {
  @Mutation(() => AuthPayload, { description: "Signs in a hospital's user (in a hospital) or a platform user (on the platform host)." })
  async login(@Arg('email') email: string, @Arg('password') password: string, @Ctx() ctx: RequestContext): Promise<AuthPayload> {
    const { tokens, tenancy } = ctx.services;
    let principal: Principal | null = null;
    if (ctx.tenant) {
      const user = await findUserForLogin(await tenantEm(ctx), email);
      if (await verifyPassword(user?.passwordHash, password)) {
        principal = { kind: 'tenant', id: user!.id, email: user!.email, tenantId: ctx.tenant.id, roles: user!.roles };
      }
    } else {
      const user = await findPlatformUserForLogin(tenancy.central, email);
      if (await verifyPassword(user?.passwordHash, password)) {
        principal = { kind: 'platform', id: user!.id, email: user!.email, roles: ['SUPERADMIN'] };
      }
    }
    if (!principal) throw AuthError.unauthenticated('Invalid email or password');
    const token = await tokens.sign({ sub: principal.id, kind: principal.kind, tid: principal.kind === 'tenant' ? principal.tenantId : undefined });
    return { token, user: toMe(principal, ctx) };
  }

  @Query(() => Me, { nullable: true, description: 'The signed-in principal, or null when anonymous.' })
  me(@Ctx() ctx: RequestContext): Me | null {
    return ctx.principal ? toMe(ctx.principal, ctx) : null;
  }
}
