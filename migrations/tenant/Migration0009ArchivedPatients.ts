import { Migration } from '@mikro-orm/migrations';

const REFUSE = 'for each row execute function refuse_care_for_archived_patient()';

/**
 * An archived patient gets no new care: a new appointment, encounter or lab order, or an appointment
 * moved to a new time (or to another patient), is refused with SQLSTATE SVA01, which the services map
 * to CONFLICT. Everything already there can still be finished, cancelled, read and billed.
 *
 * The patient row is read `for key share`: archiving locks it `for update`, so a booking and the
 * archiving of its patient run one after the other, and the later one sees the earlier. The table is
 * named through the trigger's own schema (no search path is fixed, so a renamed spare schema needs
 * nothing). Copies of a hospital's existing rows (moves, imports) set `sovereign.copying_tenant` for
 * their own transaction and are let through.
 */
export class Migration0009ArchivedPatients extends Migration {
  override up(): void {
    this.addSql(`
      create function refuse_care_for_archived_patient() returns trigger language plpgsql as $$
      declare archived timestamptz;
      begin
        if new.tenant_id::text = current_setting('sovereign.copying_tenant', true) then
          return new;
        end if;
        execute format('select archived_at from %I.patients where tenant_id = $1 and id = $2 for key share', tg_table_schema)
          into archived using new.tenant_id, new.patient_id;
        if archived is not null then
          raise exception 'the patient is archived' using errcode = 'SVA01';
        end if;
        return new;
      end $$`);
    this.addSql(`create trigger appointments_new_for_archived_patient before insert on appointments ${REFUSE}`);
    this.addSql(`create trigger appointments_moved_for_archived_patient before update of patient_id, starts_at, ends_at on appointments
      for each row when (new.patient_id is distinct from old.patient_id or new.starts_at is distinct from old.starts_at or new.ends_at is distinct from old.ends_at)
      execute function refuse_care_for_archived_patient()`);
    this.addSql(`create trigger encounters_new_for_archived_patient before insert on encounters ${REFUSE}`);
    this.addSql(`create trigger lab_orders_new_for_archived_patient before insert on lab_orders ${REFUSE}`);
  }
}
