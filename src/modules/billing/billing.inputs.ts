import { IsInt, IsOptional, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ConnectionArgs } from '../common/connection';
import { NotBlank } from '../common/input-rules';
import { InvoiceStatus, PaymentMethod } from './billing.entity';

@InputType()
export class InvoiceLineInput {
  @Field()
  @Length(1, 200)
  @NotBlank()
  description!: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(10_000)
  quantity!: number;

  @Field(() => Int, { description: 'Minor units (cents) of the invoice currency.' })
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  unitPriceCents!: number;
}

@InputType()
export class CreateInvoiceInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'patientId must be an id' })
  patientId!: string;

  @Field(() => [InvoiceLineInput], { defaultValue: [] })
  @ValidateNested({ each: true })
  lines!: InvoiceLineInput[];
}

@InputType()
export class AddInvoiceLineInput extends InvoiceLineInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'invoiceId must be an id' })
  invoiceId!: string;
}

@InputType()
export class RecordPaymentInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'invoiceId must be an id' })
  invoiceId!: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  amountCents!: number;

  @Field(() => PaymentMethod)
  method!: PaymentMethod;
}

@InputType({ description: 'All given conditions must hold.' })
export class InvoiceFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'patientId must be an id' })
  patientId?: string;

  @Field(() => [InvoiceStatus], { nullable: true })
  @IsOptional()
  status?: InvoiceStatus[];
}

@ArgsType()
export class InvoicesArgs extends ConnectionArgs {
  @Field(() => InvoiceFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: InvoiceFilter;
}
