import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Checks shared by the modules' inputs (class-validator decorators): a failure is BAD_USER_INPUT
 * naming the field, like every other input check, before anything reaches the database.
 */

/** The first day a date or time input may name, and the last (wide, and far inside what PostgreSQL stores). */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '2200-12-31';

const EARLIEST = Date.parse(`${EARLIEST_DATE}T00:00:00Z`);
const AFTER_LATEST = Date.parse(`${LATEST_DATE}T00:00:00Z`) + 86_400_000;

/** An instant (GraphQLDateTime) or a calendar day (GraphQLLocalDate, taken at midnight UTC) as epoch milliseconds; NaN for anything else. */
function epochOf(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return Date.parse(`${value}T00:00:00Z`);
  return Number.NaN;
}

/** A date or time from 1900-01-01 to 2200-12-31 (UTC). */
export function IsSupportedDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSupportedDate',
      validator: {
        validate: (value) => {
          const epoch = epochOf(value);
          return epoch >= EARLIEST && epoch < AFTER_LATEST;
        },
        defaultMessage: buildMessage((each) => `${each}$property must be between ${EARLIEST_DATE} and ${LATEST_DATE}`, options),
      },
    },
    options,
  );
}

/** The furthest ahead of UTC a hospital's clock runs (UTC+14): its today may be UTC's tomorrow. */
const AHEAD_OF_UTC_MS = 14 * 3_600_000;

/** A birth date: a calendar day from 1900-01-01 to today (today anywhere: a baby born today east of UTC is not refused). */
export function IsBirthDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isBirthDate',
      validator: {
        validate: (value) => {
          const epoch = epochOf(value);
          return epoch >= EARLIEST && epoch <= Date.now() + AHEAD_OF_UTC_MS;
        },
        defaultMessage: buildMessage((each) => `${each}$property must be a date from ${EARLIEST_DATE} to today`, options),
      },
    },
    options,
  );
}

/**
 * Text with at least one character that is not white space: required text (a name, a code, a
 * description, a search) is never blank, and neither is text given to an optional field (absent or
 * null gives none, and null clears where a field can be cleared). Every optional String input of
 * the schema carries it or a stricter rule (test/unit/optional-text.test.ts).
 */
export function NotBlank(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'notBlank',
      validator: {
        validate: (value) => typeof value === 'string' && /\S/.test(value),
        defaultMessage: buildMessage((each) => `${each}$property must not be blank`, options),
      },
    },
    options,
  );
}
