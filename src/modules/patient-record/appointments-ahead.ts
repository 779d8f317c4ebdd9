import type { GraphQLResolveInfo } from 'graphql';
import { parseResolveInfo, type ResolveTree } from 'graphql-parse-resolve-info';
import type { Appointment } from '../appointments/appointment.entity';
import { pageSize } from '../common/connection';
import type { Loaders } from '../loaders';

/** Appointments a root read fetches with its patients, handed to the loaders the field will read. */
export interface AppointmentsPrefetch {
  /** Each patient's newest `first` appointments are read. */
  first: number;
  /** Receives them, newest first, for each patient read. */
  prime(patientId: string, appointments: Appointment[]): void;
}

/** The fields named `name` selected below the given ones, through any type condition and alias. */
function below(trees: ResolveTree[], name: string): ResolveTree[] {
  return trees.flatMap((tree) => Object.values(tree.fieldsByTypeName).flatMap((fields) => Object.values(fields).filter((field) => field.name === name)));
}

/**
 * Looks ahead from a root field that returns patients (found at `path` below it: `[]` for one patient,
 * `['edges', 'node']` for a page) for `appointments(first:)` on them, through fragments, aliases,
 * variables and `@skip`/`@include`. When it is selected, the root read fetches the appointments in its
 * own statement and primes the loader the field resolver reads (one loader per page size selected:
 * each gets the newest rows of the largest, cut to its size), so the field resolver, its permission
 * rule and its audit stay as they are and only the statement goes. Undefined when not selected.
 */
export function appointmentsPrefetch(info: GraphQLResolveInfo, path: string[], loaders: Loaders): AppointmentsPrefetch | undefined {
  const root = parseResolveInfo(info) as ResolveTree | null;
  if (!root) return undefined;
  const patients = path.reduce((trees, name) => below(trees, name), [root]);
  // A size below 1 is refused by the field itself (its arguments are checked when it resolves): nothing to read for it.
  const firsts = below(patients, 'appointments').map((field) => Number(field.args.first)).filter((first) => first >= 1);
  const sizes = [...new Set(firsts.map(pageSize))];
  if (sizes.length === 0) return undefined;
  return {
    first: Math.max(...sizes),
    prime(patientId, appointments) {
      for (const size of sizes) loaders.latestAppointmentsByPatient(size).prime(patientId, appointments.slice(0, size));
    },
  };
}
