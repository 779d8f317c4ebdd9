import { GraphQLSafeInt } from 'graphql-scalars';
import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { joinedRelation } from '../../tenancy';
import { Appointment } from '../appointments/appointment.entity';
import { Department } from '../departments/department.entity';
import { LabResult } from '../lab/lab.entity';
import { Patient } from '../patients/patient.entity';
import { MAX_PAGE_SIZE, pageSize, PageSizeArgs } from '../common/connection';
import { PatientAllergy, PatientContact, PatientInsurance } from './patient-details.entity';

const NextAppointmentsArgs = PageSizeArgs(3);
const AppointmentsArgs = PageSizeArgs(20);
const LatestLabResultsArgs = PageSizeArgs(5);

/** A patient's links into the other modules, each through a per-request loader (one query per batch). */
@Resolver(() => Patient)
export class PatientRecordResolver {
  @FieldResolver(() => Department, { nullable: true, description: 'Primary department.' })
  department(@Root() p: Patient, @Ctx() ctx: RequestContext): Promise<Department | null> | Department | null {
    if (!p.departmentId) return null;
    const joined = joinedRelation(p.department);
    if (joined?.id === p.departmentId) return joined;
    return ctx.loaders.department.load(p.departmentId);
  }

  @FieldResolver(() => [Appointment], { nullable: true, description: 'Scheduled or checked-in appointments that have not ended, soonest first.' })
  nextAppointments(
    @Root() p: Patient,
    @Args(() => NextAppointmentsArgs, { validate: false }) { first }: { first: number },
    @Ctx() ctx: RequestContext,
  ): Promise<Appointment[]> {
    return ctx.loaders.upcomingAppointmentsByPatient(pageSize(first)).load(p.id);
  }

  @FieldResolver(() => [Appointment], { nullable: true, description: `The patient's appointments in any status, latest start first (at most ${MAX_PAGE_SIZE}).` })
  appointments(
    @Root() p: Patient,
    @Args(() => AppointmentsArgs, { validate: false }) { first }: { first: number },
    @Ctx() ctx: RequestContext,
  ): Promise<Appointment[]> {
    return ctx.loaders.latestAppointmentsByPatient(pageSize(first)).load(p.id);
  }

  @FieldResolver(() => [LabResult], { nullable: true, description: 'Most recent lab results first (clinical: hidden from non-clinical roles).' })
  latestLabResults(
    @Root() p: Patient,
    @Args(() => LatestLabResultsArgs, { validate: false }) { first }: { first: number },
    @Ctx() ctx: RequestContext,
  ): Promise<LabResult[]> {
    return ctx.loaders.labResultsByPatient(pageSize(first)).load(p.id);
  }

  /** A sum over invoices, each of which fits an Int (at most 2e9), so the sum needs SafeInt (up to 2^53 - 1). */
  @FieldResolver(() => GraphQLSafeInt, { nullable: true, description: 'What the patient still owes on ISSUED invoices, in minor units (BILLING and ADMIN); a sum over invoices, so it may exceed 32 bits.' })
  async openInvoiceBalanceCents(@Root() p: Patient, @Ctx() ctx: RequestContext): Promise<number> {
    const invoices = await ctx.loaders.openInvoicesByPatient.load(p.id);
    return invoices.reduce((sum, i) => sum + i.balanceCents, 0);
  }

  @FieldResolver(() => [PatientContact], { nullable: true })
  contacts(@Root() p: Patient, @Ctx() ctx: RequestContext): Promise<PatientContact[]> {
    return ctx.loaders.contactsByPatient.load(p.id);
  }

  @FieldResolver(() => [PatientAllergy], { nullable: true, description: 'Clinical: hidden from non-clinical roles.' })
  allergies(@Root() p: Patient, @Ctx() ctx: RequestContext): Promise<PatientAllergy[]> {
    return ctx.loaders.allergiesByPatient.load(p.id);
  }

  @FieldResolver(() => [PatientInsurance], { nullable: true })
  insurances(@Root() p: Patient, @Ctx() ctx: RequestContext): Promise<PatientInsurance[]> {
    return ctx.loaders.insurancesByPatient.load(p.id);
  }
}
