/**
 * Plain HTTP against the gateway: what any client sees, status and body. Every answer is
 * held against the OpenAPI document (see contract.ts): a field added, renamed or typed
 * differently in code without the document fails the test that got it.
 */
import { checkAnswer } from "./contract.js";

/**
 * A JSON body a test reads without a contract type: an error answer, a malformed request's
 * answer, a field the test probes. Its \`expect\`s check the shape. The test suite's one \`any\`,
 * named so it is not written again.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Json = any;

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface HttpOptions {
  token?: string;
  body?: unknown;
  /** Sent as is, for malformed or oversized bodies. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export async function http<T = Json>(baseUrl: string, method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const res = await fetch(baseUrl + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the raw text is the body
  }
  const answer = { status: res.status, body: parsed as T, headers: res.headers };
  checkAnswer(method, path, answer);
  return answer;
}

/** A client bound to one gateway, with shortcuts for the actors of the domain. */
export class Api {
  constructor(readonly url: string) {}

  call<T = Json>(method: string, path: string, options?: HttpOptions): Promise<HttpAnswer<T>> {
    return http<T>(this.url, method, path, options);
  }

  async login(email: string, password: string): Promise<string> {
    const res = await this.call("POST", "/api/user/login", { body: { email, password } });
    if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  }

  async signup(kind: "customer" | "agent", email: string, password = "password-123"): Promise<{ id: number; email: string }> {
    const res = await this.call("POST", "/api/user/signup", {
      body: { email, password, first_name: "Test", last_name: kind, is_customer: kind === "customer", is_agent: kind === "agent" },
    });
    if (res.status !== 201) throw new Error(`signup ${email}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

let counter = 0;
/** A unique email for this test run. */
export function email(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}@example.test`;
}
