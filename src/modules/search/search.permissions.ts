import { isTenantMember } from '../../auth/rules';

/** Any member; the resolver narrows the kinds of hits to what the caller's role and modules allow. */
export const searchPermissions = {
  Query: { search: isTenantMember },
};
