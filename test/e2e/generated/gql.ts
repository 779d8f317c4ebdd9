/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment PatientFields on Patient {\n  id\n  mrn\n  firstName\n  lastName\n  birthDate\n}\n\nmutation CreatePatient($input: CreatePatientInput!) {\n  createPatient(input: $input) {\n    ...PatientFields\n  }\n}\n\nmutation UpdatePatient($id: ID!, $input: UpdatePatientInput!) {\n  updatePatient(id: $id, input: $input) {\n    ...PatientFields\n  }\n}\n\nquery Patient($id: ID!) {\n  patient(id: $id) {\n    ...PatientFields\n  }\n}\n\nquery Patients($first: Int, $after: String, $search: String) {\n  patients(first: $first, after: $after, search: $search) {\n    totalCount\n    edges {\n      cursor\n      node {\n        ...PatientFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.PatientFieldsFragmentDoc,
    "fragment TenantFields on Tenant {\n  id\n  slug\n  name\n  isolation\n  plan\n  status\n  server\n  domains\n}\n\nmutation CreateTenant($input: CreateTenantInput!) {\n  createTenant(input: $input) {\n    ...TenantFields\n  }\n}\n\nquery Tenants($first: Int, $after: String) {\n  tenants(first: $first, after: $after) {\n    totalCount\n    edges {\n      cursor\n      node {\n        ...TenantFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery Tenant($slug: String!) {\n  tenant(slug: $slug) {\n    ...TenantFields\n  }\n}\n\nmutation SuspendTenant($slug: String!) {\n  suspendTenant(slug: $slug) {\n    ...TenantFields\n  }\n}\n\nmutation ResumeTenant($slug: String!) {\n  resumeTenant(slug: $slug) {\n    ...TenantFields\n  }\n}\n\nmutation DeleteTenant($slug: String!) {\n  deleteTenant(slug: $slug) {\n    ...TenantFields\n  }\n}": typeof types.TenantFieldsFragmentDoc,
    "mutation Login($email: String!, $password: String!) {\n  login(email: $email, password: $password) {\n    token\n    user {\n      id\n      email\n      roles\n      tenant {\n        slug\n        name\n      }\n    }\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    roles\n    tenant {\n      slug\n      name\n    }\n  }\n}": typeof types.LoginDocument,
    "mutation MoveTenant($slug: String!, $to: Isolation!, $server: String) {\n  moveTenant(slug: $slug, to: $to, server: $server) {\n    tenant {\n      ...TenantFields\n    }\n    from\n    fromServer\n    heldMilliseconds\n    oldPlacementRemoved\n    tables {\n      name\n      rows\n      checksum\n    }\n  }\n}": typeof types.MoveTenantDocument,
};
const documents: Documents = {
    "fragment PatientFields on Patient {\n  id\n  mrn\n  firstName\n  lastName\n  birthDate\n}\n\nmutation CreatePatient($input: CreatePatientInput!) {\n  createPatient(input: $input) {\n    ...PatientFields\n  }\n}\n\nmutation UpdatePatient($id: ID!, $input: UpdatePatientInput!) {\n  updatePatient(id: $id, input: $input) {\n    ...PatientFields\n  }\n}\n\nquery Patient($id: ID!) {\n  patient(id: $id) {\n    ...PatientFields\n  }\n}\n\nquery Patients($first: Int, $after: String, $search: String) {\n  patients(first: $first, after: $after, search: $search) {\n    totalCount\n    edges {\n      cursor\n      node {\n        ...PatientFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.PatientFieldsFragmentDoc,
    "fragment TenantFields on Tenant {\n  id\n  slug\n  name\n  isolation\n  plan\n  status\n  server\n  domains\n}\n\nmutation CreateTenant($input: CreateTenantInput!) {\n  createTenant(input: $input) {\n    ...TenantFields\n  }\n}\n\nquery Tenants($first: Int, $after: String) {\n  tenants(first: $first, after: $after) {\n    totalCount\n    edges {\n      cursor\n      node {\n        ...TenantFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery Tenant($slug: String!) {\n  tenant(slug: $slug) {\n    ...TenantFields\n  }\n}\n\nmutation SuspendTenant($slug: String!) {\n  suspendTenant(slug: $slug) {\n    ...TenantFields\n  }\n}\n\nmutation ResumeTenant($slug: String!) {\n  resumeTenant(slug: $slug) {\n    ...TenantFields\n  }\n}\n\nmutation DeleteTenant($slug: String!) {\n  deleteTenant(slug: $slug) {\n    ...TenantFields\n  }\n}": types.TenantFieldsFragmentDoc,
    "mutation Login($email: String!, $password: String!) {\n  login(email: $email, password: $password) {\n    token\n    user {\n      id\n      email\n      roles\n      tenant {\n        slug\n        name\n      }\n    }\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    roles\n    tenant {\n      slug\n      name\n    }\n  }\n}": types.LoginDocument,
    "mutation MoveTenant($slug: String!, $to: Isolation!, $server: String) {\n  moveTenant(slug: $slug, to: $to, server: $server) {\n    tenant {\n      ...TenantFields\n    }\n    from\n    fromServer\n    heldMilliseconds\n    oldPlacementRemoved\n    tables {\n      name\n      rows\n      checksum\n    }\n  }\n}": types.MoveTenantDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment PatientFields on Patient {\n  id\n  mrn\n  firstName\n  lastName\n  birthDate\n}\n\nmutation CreatePatient($input: CreatePatientInput!) {\n  createPatient(input: $input) {\n    ...PatientFields\n  }\n}\n\nmutation UpdatePatient($id: ID!, $input: UpdatePatientInput!) {\n  updatePatient(id: $id, input: $input) {\n    ...PatientFields\n  }\n}\n\nquery Patient($id: ID!) {\n  patient(id: $id) {\n    ...PatientFields\n  }\n}\n\nquery Patients($first: Int, $after: String, $search: String) {\n  patients(first: $first, after: $after, search: $search) {\n    totalCount\n    edges {\n      cursor\n      node {\n        ...PatientFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["fragment PatientFields on Patient {\n  id\n  mrn\n  firstName\n  lastName\n  birthDate\n}\n\nmutation CreatePatient($input: CreatePatientInput!) {\n  createPatient(input: $input) {\n    ...PatientFields\n  }\n}\n\nmutation UpdatePatient($id: ID!, $input: UpdatePatientInput!) {\n  updatePatient(id: $id, input: $input) {\n    ...PatientFields\n  }\n}\n\nquery Patient($id: ID!) {\n  patient(id: $id) {\n    ...PatientFields\n  }\n}\n\nquery Patients($first: Int, $after: String, $search: String) {\n  patients(first: $first, after: $after, search: $search) {\n    totalCount\n    edges {\n      cursor\n      node {\n        ...PatientFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment TenantFields on Tenant {\n  id\n  slug\n  name\n  isolation\n  plan\n  status\n  server\n  domains\n}\n\nmutation CreateTenant($input: CreateTenantInput!) {\n  createTenant(input: $input) {\n    ...TenantFields\n  }\n}\n\nquery Tenants($first: Int, $after: String) {\n  tenants(first: $first, after: $after) {\n    totalCount\n    edges {\n      cursor\n      node {\n        ...TenantFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery Tenant($slug: String!) {\n  tenant(slug: $slug) {\n    ...TenantFields\n  }\n}\n\nmutation SuspendTenant($slug: String!) {\n  suspendTenant(slug: $slug) {\n    ...TenantFields\n  }\n}\n\nmutation ResumeTenant($slug: String!) {\n  resumeTenant(slug: $slug) {\n    ...TenantFields\n  }\n}\n\nmutation DeleteTenant($slug: String!) {\n  deleteTenant(slug: $slug) {\n    ...TenantFields\n  }\n}"): (typeof documents)["fragment TenantFields on Tenant {\n  id\n  slug\n  name\n  isolation\n  plan\n  status\n  server\n  domains\n}\n\nmutation CreateTenant($input: CreateTenantInput!) {\n  createTenant(input: $input) {\n    ...TenantFields\n  }\n}\n\nquery Tenants($first: Int, $after: String) {\n  tenants(first: $first, after: $after) {\n    totalCount\n    edges {\n      cursor\n      node {\n        ...TenantFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery Tenant($slug: String!) {\n  tenant(slug: $slug) {\n    ...TenantFields\n  }\n}\n\nmutation SuspendTenant($slug: String!) {\n  suspendTenant(slug: $slug) {\n    ...TenantFields\n  }\n}\n\nmutation ResumeTenant($slug: String!) {\n  resumeTenant(slug: $slug) {\n    ...TenantFields\n  }\n}\n\nmutation DeleteTenant($slug: String!) {\n  deleteTenant(slug: $slug) {\n    ...TenantFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Login($email: String!, $password: String!) {\n  login(email: $email, password: $password) {\n    token\n    user {\n      id\n      email\n      roles\n      tenant {\n        slug\n        name\n      }\n    }\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    roles\n    tenant {\n      slug\n      name\n    }\n  }\n}"): (typeof documents)["mutation Login($email: String!, $password: String!) {\n  login(email: $email, password: $password) {\n    token\n    user {\n      id\n      email\n      roles\n      tenant {\n        slug\n        name\n      }\n    }\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    roles\n    tenant {\n      slug\n      name\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MoveTenant($slug: String!, $to: Isolation!, $server: String) {\n  moveTenant(slug: $slug, to: $to, server: $server) {\n    tenant {\n      ...TenantFields\n    }\n    from\n    fromServer\n    heldMilliseconds\n    oldPlacementRemoved\n    tables {\n      name\n      rows\n      checksum\n    }\n  }\n}"): (typeof documents)["mutation MoveTenant($slug: String!, $to: Isolation!, $server: String) {\n  moveTenant(slug: $slug, to: $to, server: $server) {\n    tenant {\n      ...TenantFields\n    }\n    from\n    fromServer\n    heldMilliseconds\n    oldPlacementRemoved\n    tables {\n      name\n      rows\n      checksum\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;