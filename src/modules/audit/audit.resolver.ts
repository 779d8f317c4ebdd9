import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Connection } from '../common/connection';
import { tenantEm } from '../common/tenant-em';
import { AuditEntry } from './audit-entry.entity';
import { AuditLogArgs } from './audit.inputs';
import { listAuditLog } from './audit.service';

const AuditEntryConnection = Connection(AuditEntry, 'AuditEntry');

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Query(() => AuditEntryConnection, { description: "The hospital's audit trail, newest first (ADMIN)." })
  async auditLog(@Args() args: AuditLogArgs, @Ctx() ctx: RequestContext) {
    return listAuditLog(await tenantEm(ctx), args);
  }
}
