import { hasTenantRole } from '../../auth/rules';

const admin = hasTenantRole('ADMIN');

export const apiKeyPermissions = {
  Query: { apiKeys: admin },
  Mutation: { createApiKey: admin, revokeApiKey: admin },
};
