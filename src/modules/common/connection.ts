import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { BadInputError } from '../../errors';

export const MAX_PAGE_SIZE = 100;

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** What every `first` argument in the schema says of itself. */
export const PAGE_SIZE_RULE = `How many to return: at least 1; larger values are capped at ${MAX_PAGE_SIZE}.`;

/**
 * The `first` argument, the one rule for every list in the schema (root pages and a patient's nested
 * lists alike), applied by `pageSize`: below 1 is BAD_USER_INPUT, larger values are capped.
 */
export function PageSizeArgs(defaultValue: number): ClassType<{ first: number }> {
  @ArgsType()
  class PageSize {
    @Field(() => Int, { defaultValue, description: PAGE_SIZE_RULE })
    first: number = defaultValue;
  }
  return PageSize;
}

/**
 * How many rows a list of `first` returns: at most MAX_PAGE_SIZE; below 1 is BAD_USER_INPUT. Checked
 * here rather than by a class-validator decorator: a patient's nested lists resolve once per patient
 * of a page, and validating their arguments object each time cost about a tenth of a page's CPU.
 */
export function pageSize(first: number): number {
  if (first < 1) throw BadInputError.forFields({ first: 'first must not be less than 1' });
  return Math.min(first, MAX_PAGE_SIZE);
}

@ArgsType()
export class ConnectionArgs extends PageSizeArgs(20) {
  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  /** Counted only when the client asks for it (a getter GraphQL reads), at most once. */
  readonly totalCount: Promise<number> | number;
}

/** A Relay connection type (`<Name>Connection` with `<Name>Edge`) for one node type. */
export function Connection<T extends object>(node: ClassType<T>, name: string): ClassType<Page<T>> {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionType {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: Promise<number> | number;
  }
  return ConnectionType;
}
