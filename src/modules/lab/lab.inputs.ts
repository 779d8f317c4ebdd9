import { IsOptional, IsUUID, Length, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ConnectionArgs } from '../common/connection';
import { NotBlank } from '../common/input-rules';
import { LabOrderStatus } from './lab.entity';

@InputType()
export class OrderLabTestInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'patientId must be an id' })
  patientId!: string;

  @Field({ description: 'Test code, e.g. a LOINC code such as 718-7.' })
  @Length(1, 40)
  @NotBlank()
  testCode!: string;

  @Field()
  @Length(1, 200)
  @NotBlank()
  testName!: string;
}

@InputType()
export class RecordLabResultInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'labOrderId must be an id' })
  labOrderId!: string;

  @Field()
  @Length(1, 200)
  @NotBlank()
  analyte!: string;

  @Field()
  @Length(1, 200)
  @NotBlank()
  value!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(0, 40)
  @NotBlank()
  unit?: string;

  @Field({ nullable: true, description: 'e.g. 13.5–17.5' })
  @IsOptional()
  @Length(0, 100)
  @NotBlank()
  referenceRange?: string;

  @Field({ defaultValue: false })
  abnormal!: boolean;
}

@InputType({ description: 'All given conditions must hold.' })
export class LabOrderFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'patientId must be an id' })
  patientId?: string;

  @Field(() => [LabOrderStatus], { nullable: true })
  @IsOptional()
  status?: LabOrderStatus[];
}

@ArgsType()
export class LabOrdersArgs extends ConnectionArgs {
  @Field(() => LabOrderFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: LabOrderFilter;
}
