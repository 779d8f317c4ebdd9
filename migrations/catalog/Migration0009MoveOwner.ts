import { Migration } from '@mikro-orm/migrations';

/**
 * A move's record names the move that wrote it (`owner`), so that a move only ever undoes or removes
 * its own record's work; whether that move still runs is told by the session lock it holds while it
 * runs, not by a heartbeat, so the heartbeat goes. Applied with search_path = catalog.
 */
export class Migration0009MoveOwner extends Migration {
  override up(): void {
    this.addSql('alter table tenant_transfers drop column heartbeat_at, add column owner uuid not null default gen_random_uuid()');
  }
}
