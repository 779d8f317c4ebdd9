import { allow } from 'graphql-shield';

export const sessionPermissions = {
  Query: { me: allow },
  Mutation: { login: allow },
};
