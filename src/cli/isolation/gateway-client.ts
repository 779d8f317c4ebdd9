/** What a GraphQL call over HTTP answered. */
export interface GqlAnswer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A minimal GraphQL-over-HTTP client for a running gateway (no schema knowledge, no retries). */
export class GatewayClient {
  constructor(private readonly baseUrl: string) {}

  async call(path: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GqlAnswer> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    try {
      return { status: response.status, ...(JSON.parse(text) as Omit<GqlAnswer, 'status'>) };
    } catch {
      return { status: response.status, errors: [{ message: text.slice(0, 200) }] };
    }
  }
}

/** The error code of an answer, or a short description of what came back instead. */
export function outcomeOf(answer: GqlAnswer): string {
  const code = answer.errors?.[0]?.extensions?.code;
  if (code) return code;
  if (answer.errors?.length) return `error: ${answer.errors[0]!.message}`;
  return answer.data ? 'answered with data' : `HTTP ${answer.status}`;
}
