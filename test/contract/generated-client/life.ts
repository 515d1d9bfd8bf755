/**
 * A loan's life through a client that @hey-api/openapi-ts generated from the served
 * document (third-party-tools.test.ts copies this file beside the generated code in a temp
 * folder, compiles it with `tsc --strict` and runs it with node). Only the generated
 * functions and types are used. It prints one JSON line per step for the test to assert.
 *
 *   node life.js <baseUrl> <admin email> <admin password>
 */
import { client } from "./gen/client.gen.js";
import * as api from "./gen/sdk.gen.js";
import type { ApiError, Loan, RecordRepaymentData, RequestLoanData, User, ValidationError } from "./gen/types.gen.js";

/*
 * What the document must give a generator, checked as types (tsc fails here otherwise):
 * - error `type` is an enum naming the real values, not any string;
 * - a 422's `code` is the number 422 (orval made `never` of an untyped `const`);
 * - money goes out as a decimal string only, never a float.
 */
type IsExactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const typeIsAnEnum: string extends ApiError["type"] ? false : "NO_TOKEN" extends ApiError["type"] ? true : false = true;
export const codeIs422: IsExactly<NonNullable<ValidationError["code"]>, 422> = true;
export const principalIsAString: IsExactly<RequestLoanData["body"]["principal"], string> = true;
export const amountIsAString: IsExactly<RecordRepaymentData["body"]["amount"], string> = true;

const [baseUrl, adminEmail, adminPassword] = process.argv.slice(2) as [string, string, string];
client.setConfig({ baseUrl });

interface Step {
  step: string;
  status: number;
  body: unknown;
  location?: string | null;
}
const steps: Step[] = [];

/** Keeps the answer of a step; the body is the data of a success or the error of a failure. */
function keep(step: string, result: { data?: unknown; error?: unknown; response: Response }): void {
  steps.push({ step, status: result.response.status, body: result.data ?? result.error, location: result.response.headers.get("location") });
}

/** The data of a step that must succeed; its error otherwise ends the run. */
function must<T>(step: string, result: { data?: T; error?: unknown; response: Response }): T {
  keep(step, result);
  if (result.data === undefined) throw new Error(`${step}: ${result.response.status} ${JSON.stringify(result.error)}`);
  return result.data;
}

async function main(): Promise<void> {
  const unique = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const password = "generated-client-1";

  const customer: User = must(
    "signup customer",
    await api.signup({ body: { email: `gen-customer-${unique}@example.com`, password, first_name: "Gen", last_name: "Customer", is_customer: true, is_agent: false } }),
  );
  const agent: User = must(
    "signup agent",
    await api.signup({ body: { email: `gen-agent-${unique}@example.com`, password, first_name: "Gen", last_name: "Agent", is_customer: false, is_agent: true } }),
  );

  const admin = must("login admin", await api.login({ body: { email: adminEmail, password: adminPassword } }));
  must("approve agent", await api.approveAgent({ auth: admin.token, path: { id: agent.id } }));
  const agentSession = must("login agent", await api.login({ body: { email: agent.email, password } }));

  // Without a token: the typed error carries the type the server really sends.
  const refused = await api.getLoan({ path: { id: 1 } });
  keep("no token", refused);
  const noTokenType: ApiError["type"] | undefined = refused.error?.type;
  if (noTokenType !== "NO_TOKEN") throw new Error(`no token: expected NO_TOKEN, got ${String(noTokenType)}`);

  // A 422: its `code` and its failed fields are readable from the generated types.
  const invalid = await api.requestLoan({ auth: agentSession.token, body: { customer_id: customer.id, principal: "12.345", tenure_months: 24 } });
  keep("invalid principal", invalid);
  if (invalid.error && invalid.error.code === 422 && "data" in invalid.error && Array.isArray(invalid.error.data)) {
    const fields: string[] = invalid.error.data.map((f: { field: string }) => f.field);
    steps.push({ step: "invalid principal fields", status: 422, body: fields });
  }

  const requested: Loan = must(
    "request loan",
    await api.requestLoan({ auth: agentSession.token, body: { customer_id: customer.id, principal: "250000.00", tenure_months: 24 }, headers: { "Idempotency-Key": `life-${unique}` } }),
  );
  must("approve loan", await api.decideLoan({ auth: admin.token, path: { id: requested.id }, body: { status: "APPROVED" } }));
  must("disburse", await api.disburseLoan({ auth: admin.token, path: { id: requested.id }, body: { disbursed_on: "2025-01-15" } }));
  must("repay", await api.recordRepayment({ auth: agentSession.token, path: { id: requested.id }, body: { amount: "11768.37", paid_on: "2025-02-10" } }));
  must("schedule", await api.loanSchedule({ auth: admin.token, path: { id: requested.id }, query: { as_of: "2025-03-01" } }));
  must("customer reads the loan", await api.getLoan({ auth: (await api.login({ body: { email: customer.email, password } })).data?.token, path: { id: requested.id } }));

  process.stdout.write(`${JSON.stringify(steps)}\n`);
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify(steps)}\n`);
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
