import { Migration } from '@mikro-orm/migrations';

/** The instants lists are ordered by (table → columns), and an appointment's end with its start. */
const INSTANTS: Record<string, string[]> = {
  api_keys: ['created_at'],
  appointments: ['starts_at', 'ends_at'],
  audit_log: ['at'],
  encounters: ['started_at'],
  invoices: ['created_at'],
  lab_orders: ['ordered_at'],
  vitals: ['recorded_at'],
};

/**
 * The instants that lists are ordered by are stored to the millisecond, as a cursor holds them (a
 * JSON Date): with microseconds, rows in one millisecond were skipped or repeated from page to page.
 * The gateway only ever wrote whole milliseconds; anything else (a database default, an imported
 * archive, a hand-written statement) is cut to the millisecond the gateway showed, and rounded by the
 * column from now on. An appointment's end goes with its start, so the double-booking rule judges
 * both alike. The trigger on a moved appointment names both columns, so it is re-created around the
 * change, as Migration0009ArchivedPatients created it.
 */
export class Migration0011MillisecondInstants extends Migration {
  override up(): void {
    this.addSql('drop trigger appointments_moved_for_archived_patient on appointments');
    for (const [table, columns] of Object.entries(INSTANTS)) {
      const altered = columns.map((c) => `alter column ${c} type timestamptz(3) using date_trunc('milliseconds', ${c})`);
      this.addSql(`alter table ${table} ${altered.join(', ')}`);
    }
    this.addSql(`create trigger appointments_moved_for_archived_patient before update of patient_id, starts_at, ends_at on appointments
      for each row when (new.patient_id is distinct from old.patient_id or new.starts_at is distinct from old.starts_at or new.ends_at is distinct from old.ends_at)
      execute function refuse_care_for_archived_patient()`);
  }
}
