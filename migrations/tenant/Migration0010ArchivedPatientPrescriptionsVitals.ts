import { Migration } from '@mikro-orm/migrations';

/**
 * Extends Migration0009ArchivedPatients: an archived patient gets no new prescription (refused when
 * the encounter it belongs to is the archived patient's) and no new vitals, with the same SQLSTATE
 * SVA01 and the same properties: the patient row read `for key share`, so prescribing or measuring
 * and the archiving of the patient run one after the other; tables named through the trigger's own
 * schema; copies of a hospital's existing rows (`sovereign.copying_tenant`) let through.
 *
 * A diagnosis added to an existing encounter stays allowed: it documents care already given, which
 * may well be written down after the patient was archived.
 */
export class Migration0010ArchivedPatientPrescriptionsVitals extends Migration {
  override up(): void {
    this.addSql(`
      create function refuse_prescription_for_archived_patient() returns trigger language plpgsql as $$
      declare archived timestamptz;
      begin
        if new.tenant_id::text = current_setting('sovereign.copying_tenant', true) then
          return new;
        end if;
        execute format('select p.archived_at from %1$I.encounters e join %1$I.patients p on p.tenant_id = e.tenant_id and p.id = e.patient_id
                         where e.tenant_id = $1 and e.id = $2 for key share of p', tg_table_schema)
          into archived using new.tenant_id, new.encounter_id;
        if archived is not null then
          raise exception 'the patient is archived' using errcode = 'SVA01';
        end if;
        return new;
      end $$`);
    this.addSql('create trigger prescriptions_new_for_archived_patient before insert on prescriptions for each row execute function refuse_prescription_for_archived_patient()');
    this.addSql('create trigger vitals_new_for_archived_patient before insert on vitals for each row execute function refuse_care_for_archived_patient()');
  }
}
