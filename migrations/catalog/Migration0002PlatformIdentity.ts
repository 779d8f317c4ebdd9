import { Migration } from '@mikro-orm/migrations';

/** Platform users get a status, a display name and a second factor; their sign-in sessions live here too. */
export class Migration0002PlatformIdentity extends Migration {
  override up(): void {
    this.addSql(`
      alter table platform_users
        add column display_name text not null default '',
        add column active boolean not null default true,
        add column updated_at timestamptz not null default now(),
        add column mfa_secret text,
        add column mfa_pending_secret text,
        add column mfa_enabled_at timestamptz,
        add column mfa_last_step integer`);
    this.addSql(`
      create table platform_sessions (
        id uuid primary key,
        user_id uuid not null references platform_users (id) on delete cascade,
        token_hash text not null,
        mfa boolean not null default false,
        created_at timestamptz not null default now(),
        last_used_at timestamptz not null default now(),
        expires_at timestamptz not null,
        revoked_at timestamptz
      )`);
    this.addSql('create index platform_sessions_user_idx on platform_sessions (user_id) where revoked_at is null');
  }
}
