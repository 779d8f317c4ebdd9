import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { Appointment } from '../appointments/appointment.entity';
import { LabOrder } from '../lab/lab.entity';
import { Patient } from '../patients/patient.entity';

export enum SearchHitKind {
  PATIENT = 'PATIENT',
  APPOINTMENT = 'APPOINTMENT',
  LAB_ORDER = 'LAB_ORDER',
}
registerEnumType(SearchHitKind, { name: 'SearchHitKind' });

/** One result of `search`: exactly one of patient, appointment or labOrder is set, as `kind` says. */
@ObjectType({ simpleResolvers: true })
export class SearchHit {
  @Field(() => SearchHitKind)
  kind!: SearchHitKind;

  @Field(() => Float, { description: 'Higher is a better match; hits come best first.' })
  score!: number;

  @Field(() => Patient, { nullable: true })
  patient?: Patient | null;

  @Field(() => Appointment, { nullable: true })
  appointment?: Appointment | null;

  @Field(() => LabOrder, { nullable: true })
  labOrder?: LabOrder | null;
}
