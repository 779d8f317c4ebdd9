import type { Config } from '.';

/** A setting start-up logs a warning about: the settings concerned (logged as fields) and why. */
export interface StartUpWarning {
  settings: Record<string, unknown>;
  message: string;
}

/**
 * What start-up warns about in a configuration it accepts:
 * - `TRUST_PROXY=true` trusts every hop, so Express takes the left-most `X-Forwarded-For` entry, which
 *   the client writes itself: per-address limits could be escaped and audited addresses forged.
 * - The landing page without introspection: Apollo Sandbox loads, but cannot read the schema.
 */
export function startUpWarnings(config: Pick<Config, 'trustProxy' | 'landingPage' | 'introspection'>): StartUpWarning[] {
  const warnings: StartUpWarning[] = [];
  if (config.trustProxy === true) {
    warnings.push({
      settings: { TRUST_PROXY: true },
      message:
        "TRUST_PROXY=true takes the client address from the left-most X-Forwarded-For entry, which the client controls (per-address limits can be escaped, audited addresses forged); set the number of proxy hops or the proxies' addresses instead",
    });
  }
  if (config.landingPage && !config.introspection) {
    warnings.push({
      settings: { GRAPHQL_LANDING_PAGE: true, GRAPHQL_INTROSPECTION: false },
      message: 'GRAPHQL_LANDING_PAGE serves Apollo Sandbox, which cannot load the schema with GRAPHQL_INTROSPECTION off: turn both on, or both off (production)',
    });
  }
  return warnings;
}
