import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Connection } from '../common/connection';
import { tenantEm } from '../common/tenant-em';
import { Patient } from '../patients/patient.entity';
import { User } from '../users/user.entity';
import { Diagnosis, Encounter, Prescription, Vitals } from './clinical.entity';
import { AddDiagnosisInput, CreateEncounterInput, EncountersArgs, PrescribeMedicationInput, RecordVitalsInput } from './clinical.inputs';
import * as clinical from './clinical.service';

const EncounterConnection = Connection(Encounter, 'Encounter');
const VitalsConnection = Connection(Vitals, 'Vitals');

function actorId(ctx: RequestContext): string | null {
  return ctx.principal?.kind === 'tenant' ? ctx.principal.id : null;
}

@Resolver(() => Encounter)
export class EncounterResolver {
  @Query(() => EncounterConnection, { description: 'A patient’s encounters, newest first.' })
  async encounters(@Args() args: EncountersArgs, @Ctx() ctx: RequestContext) {
    return clinical.listEncounters(await tenantEm(ctx), args);
  }

  @Query(() => VitalsConnection, { name: 'vitals', description: 'A patient’s vital signs, newest first.' })
  async listVitals(@Args() args: EncountersArgs, @Ctx() ctx: RequestContext) {
    return clinical.listVitals(await tenantEm(ctx), args);
  }

  @Query(() => Encounter, { nullable: true })
  encounter(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Encounter | null> {
    return ctx.loaders.encounter.load(id);
  }

  @Mutation(() => Encounter)
  async createEncounter(@Arg('input') input: CreateEncounterInput, @Ctx() ctx: RequestContext): Promise<Encounter> {
    return clinical.createEncounter(await tenantEm(ctx), input, actorId(ctx));
  }

  @Mutation(() => Diagnosis)
  async addDiagnosis(@Arg('input') input: AddDiagnosisInput, @Ctx() ctx: RequestContext): Promise<Diagnosis> {
    return clinical.addDiagnosis(await tenantEm(ctx), input);
  }

  @Mutation(() => Prescription)
  async prescribeMedication(@Arg('input') input: PrescribeMedicationInput, @Ctx() ctx: RequestContext): Promise<Prescription> {
    return clinical.prescribeMedication(await tenantEm(ctx), input, actorId(ctx));
  }

  @Mutation(() => Vitals)
  async recordVitals(@Arg('input') input: RecordVitalsInput, @Ctx() ctx: RequestContext): Promise<Vitals> {
    return clinical.recordVitals(await tenantEm(ctx), input, actorId(ctx));
  }

  @FieldResolver(() => Patient)
  async patient(@Root() e: Encounter, @Ctx() ctx: RequestContext): Promise<Patient> {
    return (await ctx.loaders.patient.load(e.patientId))!;
  }

  @FieldResolver(() => User)
  async clinician(@Root() e: Encounter, @Ctx() ctx: RequestContext): Promise<User> {
    return (await ctx.loaders.user.load(e.clinicianId))!;
  }

  @FieldResolver(() => [Diagnosis])
  diagnoses(@Root() e: Encounter, @Ctx() ctx: RequestContext): Promise<Diagnosis[]> {
    return ctx.loaders.diagnosesByEncounter.load(e.id);
  }

  @FieldResolver(() => [Prescription])
  prescriptions(@Root() e: Encounter, @Ctx() ctx: RequestContext): Promise<Prescription[]> {
    return ctx.loaders.prescriptionsByEncounter.load(e.id);
  }

  @FieldResolver(() => [Vitals])
  vitals(@Root() e: Encounter, @Ctx() ctx: RequestContext): Promise<Vitals[]> {
    return ctx.loaders.vitalsByEncounter.load(e.id);
  }
}
