/** The neutral view of a request that tenant resolution reads; no framework types. */
export interface RequestDigest {
  /** Host header value, possibly with a port. */
  host: string | undefined;
  /** URL path without the query string. */
  path: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
}
