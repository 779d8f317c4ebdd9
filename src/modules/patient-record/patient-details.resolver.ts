import { Arg, Args, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { tenantEm } from '../common/tenant-em';
import { Patient } from '../patients/patient.entity';
import { PatientAllergy, PatientContact, PatientInsurance } from './patient-details.entity';
import { AddPatientContactInput, AddPatientInsuranceInput, RecordAllergyInput, SetPatientDepartmentArgs } from './patient-details.inputs';
import * as details from './patient-details.service';

/** Patient data kept beside the patient row: contacts, allergies, insurance, archive and department. */
@Resolver(() => Patient)
export class PatientDetailsResolver {
  @Mutation(() => PatientContact)
  async addPatientContact(@Arg('input') input: AddPatientContactInput, @Ctx() ctx: RequestContext): Promise<PatientContact> {
    return details.addContact(await tenantEm(ctx), input);
  }

  @Mutation(() => PatientContact)
  async removePatientContact(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<PatientContact> {
    return details.removeContact(await tenantEm(ctx), id);
  }

  @Mutation(() => PatientAllergy)
  async recordAllergy(@Arg('input') input: RecordAllergyInput, @Ctx() ctx: RequestContext): Promise<PatientAllergy> {
    return details.recordAllergy(await tenantEm(ctx), input);
  }

  @Mutation(() => PatientInsurance)
  async addPatientInsurance(@Arg('input') input: AddPatientInsuranceInput, @Ctx() ctx: RequestContext): Promise<PatientInsurance> {
    return details.addInsurance(await tenantEm(ctx), input);
  }

  @Mutation(() => Patient, { description: 'Soft archive: hidden from lists and search, every record kept. Until restored, the patient gets no new appointment, encounter, lab order, prescription or vitals, and no appointment of theirs is rescheduled (CONFLICT); diagnoses may still be added to existing encounters.' })
  async archivePatient(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Patient> {
    return details.setArchived(await tenantEm(ctx), id, true);
  }

  @Mutation(() => Patient)
  async restorePatient(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Patient> {
    return details.setArchived(await tenantEm(ctx), id, false);
  }

  @Mutation(() => Patient, { description: 'Sets (or with null clears) the patient’s primary department.' })
  async setPatientDepartment(@Args() { id, departmentId }: SetPatientDepartmentArgs, @Ctx() ctx: RequestContext): Promise<Patient> {
    return details.setDepartment(await tenantEm(ctx), id, departmentId ?? null);
  }
}
