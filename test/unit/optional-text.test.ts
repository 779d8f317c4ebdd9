import { validateSync } from 'class-validator';
import { GraphQLString, isInputObjectType, type GraphQLField, type GraphQLSchema } from 'graphql';
import { getMetadataStorage, type ClassType } from 'type-graphql';
import { BadInputError } from '../../src/errors';
import { buildPublicSchema } from '../../src/graphql/schema';
import { requestDemo } from '../../src/modules/demo/demo.service';
import { Isolation, Plan } from '../../src/tenancy';
import { TenantProvisioner } from '../../src/tenancy/provisioning';

/**
 * The README's rule for optional text: text given to an optional field must hold more than white
 * space (null or leaving the field out means none, and null clears where a field can be cleared).
 * This walks the schema, so a new optional String input without the rule fails here.
 */

/** Optional String arguments that are not text to keep, each with what checks it instead. */
const NOT_TEXT: Record<string, string> = {
  after: 'a cursor, checked against the list’s order (test/e2e/cursors.test.ts)',
  'login(mfaCode)': 'a one-time code, compared with the account’s and never stored',
};

const BLANKS = ['', ' ', '\t\n', ' '.repeat(12)];

/** The fields a core check refuses, from its BAD_USER_INPUT (none when it takes the input). */
async function refusedBy(check: () => Promise<unknown>): Promise<string[]> {
  try {
    await check();
    return [];
  } catch (error) {
    if (!(error instanceof BadInputError)) throw error;
    return Object.keys(error.details?.fields ?? {});
  }
}

/** A provisioner whose check runs before it touches anything it was given. */
const provisioner = new TenantProvisioner({ baseDomain: 'sovereign.test', servers: { has: () => true } } as never);
const hospital = { slug: 'blank-check', name: 'Blank Check', isolation: Isolation.DATABASE, plan: Plan.TRIAL };
const demo = { hospitalName: 'Blank Check', contactName: 'Casey', email: 'casey@blank.test' };

/**
 * Optional String input fields that the core checks with the rest of the input (every problem at once),
 * instead of a rule on the input class: each with that check, given `value` in the field.
 */
const CORE_CHECKED: Record<string, (value: string) => Promise<string[]>> = {
  'CreateTenantInput.server': (server) => refusedBy(() => provisioner.create({ ...hospital, server }, {})),
  'CreateTenantInput.contactEmail': (contactEmail) => refusedBy(() => provisioner.create({ ...hospital, contactEmail }, {})),
  'CreateTenantInput.contactPhone': (contactPhone) => refusedBy(() => provisioner.create({ ...hospital, contactPhone }, {})),
  'CreateTenantInput.address': (address) => refusedBy(() => provisioner.create({ ...hospital, address }, {})),
  // Converted through createTenant: the same check as CreateTenantInput.server.
  'ConvertDemoToTenantInput.server': (server) => refusedBy(() => provisioner.create({ ...hospital, server }, {})),
  'RequestDemoInput.phone': (phone) => refusedBy(() => requestDemo(undefined as never, { ...demo, phone }, null)),
  'RequestDemoInput.message': (message) => refusedBy(() => requestDemo(undefined as never, { ...demo, message }, null)),
};

/** Whether validating an instance of `target` with only `property` set to `value` refuses that property (as the gateway validates: absent fields skipped). */
function refuses(target: ClassType, property: string, value: string): boolean {
  const errors = validateSync(Object.assign(new target(), { [property]: value }), { skipMissingProperties: true, forbidUnknownValues: false });
  return errors.some((e) => e.property === property);
}

/** The blank values `property` of `target` takes (none, when the rule is applied). */
function blanksTaken(target: ClassType, property: string): string[] {
  return BLANKS.filter((blank) => !refuses(target, property, blank));
}

/** The blank values a core check takes in `field` (none, when it refuses them). */
async function blanksTakenBy(check: (value: string) => Promise<string[]>, field: string): Promise<string[]> {
  const taken: string[] = [];
  for (const blank of BLANKS) if (!(await check(blank)).includes(field)) taken.push(blank);
  return taken;
}

/** The optional String arguments of the Query and Mutation fields, with the argument classes (@Args) or scalar (@Arg) they come from. */
function optionalTextArgs(schema: GraphQLSchema): { coordinate: string; argName: string; classes: ClassType[]; scalar: boolean }[] {
  const storage = getMetadataStorage();
  const roots = [
    [schema.getQueryType()!, storage.queries],
    [schema.getMutationType()!, storage.mutations],
  ] as const;
  return roots.flatMap(([type, resolvers]) =>
    Object.values(type.getFields()).flatMap((field: GraphQLField<unknown, unknown>) => {
      const resolver = resolvers.find((r) => r.schemaName === field.name)!;
      const params = storage.params.filter((p) => p.target === resolver.target && p.methodName === resolver.methodName);
      return field.args
        .filter((arg) => arg.type === GraphQLString)
        .map((arg) => ({
          coordinate: `${field.name}(${arg.name})`,
          argName: arg.name,
          classes: params.filter((p) => p.kind === 'args').map((p) => (p as unknown as { getType(): ClassType }).getType()),
          scalar: params.some((p) => p.kind === 'arg' && (p as unknown as { name: string }).name === arg.name),
        }));
    }),
  );
}

describe('optional text in the schema', () => {
  let schema: GraphQLSchema;

  beforeAll(async () => {
    schema = await buildPublicSchema();
  });

  it('refuses empty and white-space-only text in every optional String field of every input type', async () => {
    const storage = getMetadataStorage();
    const taken: Record<string, string> = {};
    for (const type of Object.values(schema.getTypeMap()).filter(isInputObjectType)) {
      const target = storage.inputTypes.find((t) => t.name === type.name)!.target as ClassType;
      for (const field of Object.values(type.getFields()).filter((f) => f.type === GraphQLString)) {
        const core = CORE_CHECKED[`${type.name}.${field.name}`];
        const blanks = core ? await blanksTakenBy(core, field.name) : blanksTaken(target, field.name);
        if (blanks.length > 0) taken[`${type.name}.${field.name}`] = blanks.map((b) => JSON.stringify(b)).join(', ');
      }
    }
    expect(taken).toEqual({});
  });

  it('refuses empty and white-space-only text in every optional String argument, through the arguments’ own rules', () => {
    const taken: Record<string, string> = {};
    for (const { coordinate, argName, classes, scalar } of optionalTextArgs(schema)) {
      if (NOT_TEXT[argName] ?? NOT_TEXT[coordinate]) continue;
      // A scalar @Arg is never validated: an optional text argument belongs in an @ArgsType class with the rule.
      if (scalar) taken[coordinate] = 'a scalar @Arg: no rule applies';
      else {
        const blanks = BLANKS.filter((blank) => !classes.some((target) => refuses(target, argName, blank)));
        if (blanks.length > 0) taken[coordinate] = blanks.map((b) => JSON.stringify(b)).join(', ');
      }
    }
    expect(taken).toEqual({});
  });

  it('finds optional String arguments only on Query and Mutation fields (the ones walked above)', () => {
    const elsewhere = Object.values(schema.getTypeMap())
      .filter((type) => !type.name.startsWith('__') && type !== schema.getQueryType() && type !== schema.getMutationType() && 'getFields' in type && !isInputObjectType(type))
      .flatMap((type) => Object.values((type as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()).flatMap((field) => field.args.filter((a) => a.type === GraphQLString).map((a) => `${type.name}.${field.name}(${a.name})`)));
    expect(elsewhere).toEqual([]);
  });
});
