import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Connection, ConnectionArgs } from '../common/connection';
import { tenantEm } from '../common/tenant-em';
import { ApiKey } from './api-key.entity';
import { CreateApiKeyInput, CreatedApiKey } from './api-key.types';
import * as keys from './api-key.service';

const ApiKeyConnection = Connection(ApiKey, 'ApiKey');

/** API keys of the current hospital (ADMIN). */
@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Mutation(() => CreatedApiKey)
  async createApiKey(@Arg('input') input: CreateApiKeyInput, @Ctx() ctx: RequestContext): Promise<CreatedApiKey> {
    const createdById = ctx.principal?.kind === 'tenant' ? ctx.principal.id : null;
    return keys.createApiKey(await tenantEm(ctx), input, createdById);
  }

  @Query(() => ApiKeyConnection, { description: 'Active and revoked keys, newest first; never the keys themselves.' })
  async apiKeys(@Args() args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return keys.listApiKeys(await tenantEm(ctx), args);
  }

  @Mutation(() => ApiKey)
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<ApiKey> {
    return keys.revokeApiKey(await tenantEm(ctx), id);
  }
}
