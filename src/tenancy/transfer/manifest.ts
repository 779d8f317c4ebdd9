import {
  ArrayNotEmpty,
  ArrayUnique,
  buildMessage,
  Equals,
  IsArray,
  IsEnum,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Min,
  ValidateBy,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { validationProblems } from '../../errors';
import { Isolation, Plan } from '../catalog';

/** Names an archive's manifest; the version changes when the layout does. */
export const ARCHIVE_FORMAT = 'sovereign-tenant-archive';
export const ARCHIVE_FORMAT_VERSION = 1;

/** The version a placement is created at must be the last migration the archive lists as applied. */
function IsLastMigration(): PropertyDecorator {
  return ValidateBy({
    name: 'isLastMigration',
    validator: {
      // Migrations that are not a list are refused by their own check.
      validate: (value, args) => {
        const { migrations } = args!.object as { migrations: unknown };
        return !Array.isArray(migrations) || value === migrations[migrations.length - 1];
      },
      defaultMessage: buildMessage((each) => `${each}$property must be the last of migrations`),
    },
  });
}

// A property's checks run from the one next to it upwards, and only until one fails: its type is
// checked first, so a value of the wrong type is refused for that alone.

class ArchiveColumn {
  @Length(1, 63)
  @IsString()
  name!: string;

  @Length(1, 200)
  @IsString()
  type!: string;
}

class ArchiveTable {
  @Length(1, 63)
  @IsString()
  table!: string;

  @Min(0)
  @IsInt()
  rows!: number;

  @Matches(/^[0-9a-f]{32}$/, { message: 'checksum must be 32 hexadecimal digits' })
  checksum!: string;

  @ValidateNested({ each: true })
  @IsArray()
  columns!: ArchiveColumn[];
}

class ArchiveHospital {
  @IsUUID()
  id!: string;

  @IsString()
  slug!: string;

  @IsString()
  name!: string;

  @IsEnum(Plan)
  plan!: Plan;

  /** The end of the hospital's one trial, if it had one (absent in archives written before it was kept). */
  @IsISO8601()
  @IsOptional()
  trialEndsAt?: string | null;

  @IsEnum(Isolation)
  isolation!: Isolation;

  /*
   * How to reach the hospital and its own limits (absent in archives written before they were kept);
   * an import checks them as provisioning checks a new hospital's.
   */
  @IsString()
  @IsOptional()
  contactEmail?: string | null;

  @IsString()
  @IsOptional()
  contactPhone?: string | null;

  @IsString()
  @IsOptional()
  address?: string | null;

  @IsInt()
  @IsOptional()
  maxUsers?: number | null;

  @IsInt()
  @IsOptional()
  maxAssets?: number | null;
}

/**
 * The first line of an archive. Row counts and checksums are those of the snapshot the rows were read
 * from; the checksum ignores `tenant_id` (see digest.ts), so an import under a new id verifies too.
 */
export class ArchiveManifest {
  @Equals(ARCHIVE_FORMAT)
  format!: typeof ARCHIVE_FORMAT;

  @Equals(ARCHIVE_FORMAT_VERSION)
  formatVersion!: number;

  @IsISO8601()
  createdAt!: string;

  @ValidateNested()
  @IsObject()
  hospital!: ArchiveHospital;

  /** Last tenant migration applied to the exported placement, and every one applied, in order. */
  @IsLastMigration()
  @IsString()
  migrationVersion!: string;

  @IsString({ each: true })
  @ArrayNotEmpty()
  @IsArray()
  migrations!: string[];

  @ValidateNested({ each: true })
  @ArrayUnique((t: Partial<ArchiveTable> | null) => t?.table)
  @IsArray()
  tables!: ArchiveTable[];
}

/** `value` as an instance of `shape` when it is a JSON object (class-validator checks instances only); anything else as it is, for the checks to refuse. */
function as<T extends object>(shape: new () => T, value: unknown, nested: (instance: T) => void = () => undefined): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const instance = Object.assign(new shape(), value);
  nested(instance);
  return instance;
}

const each = <T>(list: unknown, item: (value: unknown) => unknown): T[] => (Array.isArray(list) ? list.map(item) : list) as T[];

const SHOWN = 3;

/** What is wrong with the JSON of a manifest line (the first few problems, each as `path: message`), if anything. */
export function manifestProblem(json: unknown): string | undefined {
  const manifest = as(ArchiveManifest, json, (m) => {
    m.hospital = as(ArchiveHospital, m.hospital) as ArchiveHospital;
    m.tables = each(m.tables, (t) => as(ArchiveTable, t, (table) => void (table.columns = each(table.columns, (c) => as(ArchiveColumn, c)))));
  });
  const problems = Object.entries(validationProblems(validateSync(manifest as object, { stopAtFirstError: true }))).map(([path, problem]) => `${path}: ${problem}`);
  if (problems.length === 0) return undefined;
  return problems.slice(0, SHOWN).join('; ') + (problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : '');
}
