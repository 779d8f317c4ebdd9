import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Connection } from '../common/connection';
import { isUuid } from '../common/ids';
import { tenantEm } from '../common/tenant-em';
import { Department } from '../departments/department.entity';
import { Patient } from '../patients/patient.entity';
import { User } from '../users/user.entity';
import { Appointment, AppointmentStatus } from './appointment.entity';
import { AppointmentsArgs, CreateAppointmentInput, RescheduleAppointmentArgs } from './appointment.inputs';
import * as appointments from './appointment.service';

const AppointmentConnection = Connection(Appointment, 'Appointment');

@Resolver(() => Appointment)
export class AppointmentResolver {
  @Query(() => AppointmentConnection)
  async appointments(@Args() args: AppointmentsArgs, @Ctx() ctx: RequestContext) {
    return appointments.listAppointments(await tenantEm(ctx), args);
  }

  @Query(() => Appointment, { nullable: true })
  async appointment(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Appointment | null> {
    return isUuid(id) ? (await tenantEm(ctx)).findOne(Appointment, { id }) : null;
  }

  @Mutation(() => Appointment, { description: 'Books an appointment; a clinician cannot be double-booked (CONFLICT).' })
  async createAppointment(@Arg('input') input: CreateAppointmentInput, @Ctx() ctx: RequestContext): Promise<Appointment> {
    return appointments.createAppointment(await tenantEm(ctx), input);
  }

  @Mutation(() => Appointment, {
    description: 'Moves an appointment along SCHEDULED → CHECKED_IN → COMPLETED, or SCHEDULED → CANCELLED / NO_SHOW; other moves are CONFLICT.',
  })
  async setAppointmentStatus(
    @Arg('id', () => ID) id: string,
    @Arg('status', () => AppointmentStatus) status: AppointmentStatus,
    @Ctx() ctx: RequestContext,
  ): Promise<Appointment> {
    return appointments.setAppointmentStatus(await tenantEm(ctx), id, status);
  }

  @Mutation(() => Appointment, {
    description: 'Moves a SCHEDULED appointment to a new time (any other status is CONFLICT), checked as a booking is: the clinician cannot be double-booked (CONFLICT).',
  })
  async rescheduleAppointment(@Args() { id, startsAt, endsAt }: RescheduleAppointmentArgs, @Ctx() ctx: RequestContext): Promise<Appointment> {
    return appointments.rescheduleAppointment(await tenantEm(ctx), id, { startsAt, endsAt });
  }

  @FieldResolver(() => Patient)
  async patient(@Root() a: Appointment, @Ctx() ctx: RequestContext): Promise<Patient> {
    return (await ctx.loaders.patient.load(a.patientId))!;
  }

  @FieldResolver(() => User)
  async clinician(@Root() a: Appointment, @Ctx() ctx: RequestContext): Promise<User> {
    return (await ctx.loaders.user.load(a.clinicianId))!;
  }

  @FieldResolver(() => Department, { nullable: true })
  async department(@Root() a: Appointment, @Ctx() ctx: RequestContext): Promise<Department | null> {
    return a.departmentId ? ctx.loaders.department.load(a.departmentId) : null;
  }
}
