import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Connection, ConnectionArgs } from '../common/connection';
import { tenantEm } from '../common/tenant-em';
import { enforcePlanLimit } from '../plans/plan-limits';
import { TenantRoleEnum } from './roles';
import { User } from './user.entity';
import { CreateUserInput } from './user.inputs';
import * as users from './user.service';

const UserConnection = Connection(User, 'User');

/** The hospital user making the change, for "not yourself" checks (null for a platform admin or key). */
function actorId(ctx: RequestContext): string | null {
  return ctx.principal?.kind === 'tenant' ? ctx.principal.id : null;
}

/** User management inside a hospital (ADMIN). */
@Resolver(() => User)
export class UserResolver {
  @Mutation(() => User)
  async createUser(@Arg('input') input: CreateUserInput, @Ctx() ctx: RequestContext): Promise<User> {
    const em = await tenantEm(ctx);
    await enforcePlanLimit(em, ctx.tenant!, 'users');
    return users.createUser(em, { ...input, roles: [input.role] });
  }

  @Query(() => UserConnection)
  async users(@Args() args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return users.listUsers(await tenantEm(ctx), args);
  }

  @Mutation(() => User, { description: 'Replaces another user’s roles. Nobody changes their own; the last active ADMIN keeps ADMIN.' })
  async setUserRoles(
    @Arg('id', () => ID) id: string,
    @Arg('roles', () => [TenantRoleEnum]) roles: TenantRoleEnum[],
    @Ctx() ctx: RequestContext,
  ): Promise<User> {
    return users.setUserRoles(await tenantEm(ctx), actorId(ctx), id, roles);
  }

  @Mutation(() => User, { description: 'The user can no longer sign in; their sessions end at once.' })
  async deactivateUser(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<User> {
    return users.deactivateUser(await tenantEm(ctx), actorId(ctx), id);
  }

  @Mutation(() => User)
  async reactivateUser(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<User> {
    return users.reactivateUser(await tenantEm(ctx), actorId(ctx), id);
  }

  @Mutation(() => User, { description: 'Sets a new password for another user; their sessions end.' })
  async resetPassword(@Arg('id', () => ID) id: string, @Arg('password') password: string, @Ctx() ctx: RequestContext): Promise<User> {
    return users.resetPassword(await tenantEm(ctx), actorId(ctx), id, password);
  }

  @Mutation(() => User, { description: 'Turns another user’s MFA off (lost device); they enrol again.' })
  async resetUserMfa(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<User> {
    return users.resetUserMfa(await tenantEm(ctx), actorId(ctx), id);
  }
}
