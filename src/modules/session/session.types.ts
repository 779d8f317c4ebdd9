import { IsOptional, Length } from 'class-validator';
import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { NotBlank } from '../common/input-rules';

export enum PrincipalKind {
  HOSPITAL_USER = 'HOSPITAL_USER',
  PLATFORM_USER = 'PLATFORM_USER',
  API_KEY = 'API_KEY',
}

registerEnumType(PrincipalKind, { name: 'PrincipalKind', description: 'What kind of principal is signed in.' });

@ObjectType({ simpleResolvers: true, description: 'The hospital a principal belongs to.' })
export class TenantSummary {
  @Field()
  slug!: string;

  @Field()
  name!: string;
}

@ObjectType({ simpleResolvers: true, description: 'The signed-in principal: a hospital user, a platform user (tenant null), or an API key.' })
export class Me {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The user’s email; for an API key, its name.' })
  email!: string;

  @Field()
  displayName!: string;

  @Field(() => PrincipalKind)
  kind!: PrincipalKind;

  @Field(() => [String])
  roles!: string[];

  @Field(() => TenantSummary, { nullable: true })
  tenant!: TenantSummary | null;

  @Field({ description: 'Whether this account signs in with a second factor (TOTP).' })
  mfaEnabled!: boolean;

  @Field({ description: 'The hospital requires a second factor this session has not given: only MFA enrolment and logout work until it has.' })
  mfaEnrollmentRequired!: boolean;

  @Field(() => Int, { description: 'Unused MFA recovery codes (see regenerateMfaRecoveryCodes); 0 while MFA is off.' })
  mfaRecoveryCodesLeft!: number;
}

@ObjectType({ simpleResolvers: true })
export class AuthPayload {
  @Field({ description: 'Short-lived access token: send as `Authorization: Bearer <token>`.' })
  token!: string;

  @Field(() => GraphQLDateTime, { description: 'When the access token expires.' })
  expiresAt!: Date;

  @Field({ description: 'Exchange with refreshToken for a new pair; each refresh token works once.' })
  refreshToken!: string;

  @Field(() => Me)
  user!: Me;
}

@ObjectType({ simpleResolvers: true, description: 'A TOTP secret to add to an authenticator app; confirm with a code to turn MFA on.' })
export class MfaEnrollment {
  @Field({ description: 'Base32 secret, for typing in by hand.' })
  secret!: string;

  @Field({ description: 'otpauth:// URI, for a QR code.' })
  uri!: string;
}

@InputType()
export class ChangePasswordInput {
  @Field()
  currentPassword!: string;

  @Field({ description: '12–200 characters.' })
  newPassword!: string;
}

@InputType({ description: 'Only the caller’s own profile fields; roles and hospital cannot be changed here.' })
export class UpdateProfileInput {
  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 200)
  @NotBlank()
  displayName?: string;
}
