import { Migration } from '@mikro-orm/migrations';

/**
 * `enter_request`: how every request transaction begins, in one statement. In order, as separate
 * statements inside the function (a VOLATILE function takes a fresh snapshot for each):
 * 1. bind the transaction to the hospital (`app.tenant_id`, read by every row-level security policy)
 *    and set its statement timeout, both transaction-local;
 * 2. take the hospital's shared hold (waits while a move switches the hospital; the move takes the same
 *    key exclusively);
 * 3. read, now that the hold is held, whether the hospital was fenced off this placement, the signed-in
 *    user and session (when given) and the hospital's settings.
 * Security invoker: it runs as the caller, under row-level security, with the placement's search path
 * fixed at creation.
 */
export class Migration0006RequestEntry extends Migration {
  override up(): void {
    this.addSql(`
      create function enter_request(p_tenant uuid, p_statement_timeout text, p_user uuid, p_session uuid)
      returns table (
        fenced boolean,
        user_email text,
        user_roles text[],
        user_active boolean,
        session_mfa boolean,
        session_expires_at timestamptz,
        session_revoked_at timestamptz,
        settings json
      )
      language plpgsql volatile
      set search_path from current
      as $$
      begin
        perform set_config('app.tenant_id', p_tenant::text, true), set_config('statement_timeout', p_statement_timeout, true);
        perform pg_advisory_xact_lock_shared(hashtextextended('sovereign-hold:' || p_tenant::text, 0));
        return query
          select exists (select 1 from placement_fences f where f.tenant_id = p_tenant),
                 u.email, u.roles, u.active, s.mfa, s.expires_at, s.revoked_at,
                 (select row_to_json(h) from hospital_settings h where h.tenant_id = p_tenant)
          from (select 1) as one
          left join users u on u.tenant_id = p_tenant and u.id = p_user
          left join auth_sessions s on s.tenant_id = p_tenant and s.id = p_session and s.user_id = u.id;
      end
      $$`);
  }
}
