import type { LoginThrottle } from './auth/login-throttle';
import type { SecretBox } from './auth/secret-box';
import type { Principal } from './auth/principal';
import type { TokenService } from './auth/tokens';
import type { Deadline } from './deadline';
import type { RootField } from './graphql/audit-fields';
import type { Loaders } from './modules/loaders';
import type { RateLimits } from './rate-limits';
import type { Tenancy, TenantRecord, TenantSession } from './tenancy';

/** Process-wide services that resolvers may use; nothing per tenant lives here. */
export interface AppServices {
  tenancy: Tenancy;
  tokens: TokenService;
  /** Lockout after repeated failed sign-ins, keyed by (hospital, email). */
  loginThrottle: LoginThrottle;
  rateLimits: RateLimits;
  /** Seals and opens stored TOTP seeds. */
  secrets: SecretBox;
}

/** Everything one request needs, built once after its tenant is known. */
export interface RequestContext {
  requestId: string;
  /** The client's address (as Express reads it under TRUST_PROXY); recorded in audit trails. */
  clientAddress: string | null;
  /** The hospital of the request; null in the central (platform) context. */
  tenant: TenantRecord | null;
  principal: Principal | null;
  /** Bound to `tenant`'s placement; null in the central context. */
  session: TenantSession | null;
  /** Per-request DataLoaders over `session` (using one in the central context is TENANT_NOT_FOUND). */
  loaders: Loaders;
  services: AppServices;
  /** When the request must be answered by (REQUEST_DEADLINE_MS after it was received). */
  deadline: Deadline;
  /** The root fields executed so far, with what the audit trail records of each (filled during execution). */
  audit: RootField[];
  /**
   * Marked when Apollo's request pipeline starts on the request: from then on the session plugin ends
   * its session. An object, so the mark is seen through the shallow copy of the context Apollo gives
   * each operation.
   */
  pipeline: { started: boolean };
}
