import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, ID, Info, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Connection } from '../common/connection';
import { tenantEm } from '../common/tenant-em';
import { appointmentsPrefetch } from '../patient-record/appointments-ahead';
import { enforcePlanLimit } from '../plans/plan-limits';
import { Patient } from './patient.entity';
import { CreatePatientInput, PatientsArgs, RecordClinicalNotesArgs, UpdatePatientInput } from './patient.inputs';
import { listPatients, readPatient } from './patient-reads';
import * as patients from './patient.service';

const PatientConnection = Connection(Patient, 'Patient');

@Resolver(() => Patient)
export class PatientResolver {
  @Query(() => PatientConnection)
  async patients(@Args() args: PatientsArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo) {
    return listPatients(await tenantEm(ctx), args, appointmentsPrefetch(info, ['edges', 'node'], ctx.loaders));
  }

  @Query(() => Patient, { nullable: true, description: 'A patient of the current hospital, or null.' })
  async patient(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Patient | null> {
    return readPatient(await tenantEm(ctx), id, appointmentsPrefetch(info, [], ctx.loaders));
  }

  @Mutation(() => Patient)
  async createPatient(@Arg('input') input: CreatePatientInput, @Ctx() ctx: RequestContext): Promise<Patient> {
    const createdById = ctx.principal?.kind === 'tenant' ? ctx.principal.id : null;
    const em = await tenantEm(ctx);
    await enforcePlanLimit(em, ctx.tenant!, 'patients');
    return patients.createPatient(em, input, createdById);
  }

  @Mutation(() => Patient, { description: 'Replaces the patient’s clinical notes.' })
  async recordClinicalNotes(@Args() { patientId, notes }: RecordClinicalNotesArgs, @Ctx() ctx: RequestContext): Promise<Patient> {
    return patients.recordClinicalNotes(await tenantEm(ctx), patientId, notes ?? null);
  }

  @Mutation(() => Patient)
  async updatePatient(@Arg('id', () => ID) id: string, @Arg('input') input: UpdatePatientInput, @Ctx() ctx: RequestContext): Promise<Patient> {
    return patients.updatePatient(await tenantEm(ctx), id, input);
  }
}
