import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPublicSchema, printSortedSchema } from '../graphql/schema';

/** Writes schema/schema.graphql from the code (clients generate from it; a test checks it for drift). */
export const SCHEMA_FILE = join(__dirname, '..', '..', '..', 'schema', 'schema.graphql');

buildPublicSchema()
  .then((schema) => {
    writeFileSync(SCHEMA_FILE, printSortedSchema(schema));
    console.log(`wrote ${SCHEMA_FILE}`);
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
