import { IsOptional } from 'class-validator';
import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { Isolation } from '../../tenancy';
import type { MoveResult } from '../../tenancy/transfer';
import { NotBlank } from '../common/input-rules';
import { TenantNode } from './tenant.types';

@ArgsType()
export class MoveTenantArgs {
  @Field()
  slug!: string;

  @Field(() => Isolation)
  to!: Isolation;

  @Field(() => String, { nullable: true, description: 'DATABASE only: the named database server (default: main).' })
  @IsOptional()
  @NotBlank()
  server?: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'One table of a hospital as verified on both placements of a move.' })
export class TransferredTable {
  @Field()
  name!: string;

  @Field(() => Int)
  rows!: number;

  @Field({ description: 'Order-independent checksum of the rows (without tenant_id), equal on both sides.' })
  checksum!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A completed move of a hospital to another isolation mode or server.' })
export class MoveTenantPayload {
  @Field(() => TenantNode)
  tenant!: TenantNode;

  @Field(() => Isolation)
  from!: Isolation;

  @Field({ description: 'Database server the hospital left.' })
  fromServer!: string;

  @Field(() => Int, { description: 'How long the hospital’s requests were held for the final switch.' })
  heldMilliseconds!: number;

  @Field({ description: 'False when the old placement could not be removed (the move itself succeeded).' })
  oldPlacementRemoved!: boolean;

  @Field(() => [TransferredTable])
  tables!: TransferredTable[];

  static from(result: MoveResult): MoveTenantPayload {
    return Object.assign(new MoveTenantPayload(), {
      tenant: TenantNode.from(result.tenant),
      from: result.from.isolation,
      fromServer: result.from.server,
      heldMilliseconds: result.heldMs,
      oldPlacementRemoved: result.cleanupError === null,
      tables: result.tables.map((t) => Object.assign(new TransferredTable(), { name: t.table, rows: t.rows, checksum: t.checksum })),
    });
  }
}
