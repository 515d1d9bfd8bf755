/**
 * The SDK's sessions against a live gateway: refresh, logout, listSessions, endSession,
 * endSessionsOf; and the one-time refresh of a client holding a refresh token, when a call
 * answers 401 — once per call at most, one refresh shared by concurrent calls. The requests
 * are counted by a fetch that passes everything through to the real one.
 */
import { AuthenticationError, LoanClient, NotFoundError, type FetchLike, type LoginResponse, type User } from "../../sdk/index.js";
import { mintToken } from "../support/actors.js";
import { useStack } from "../support/fixture.js";
import { email } from "../support/http.js";

const PASSWORD = "password-123";
const { stack } = useStack();
let admin: LoanClient;

beforeAll(async () => {
  admin = new LoanClient({ baseUrl: stack.url });
  await admin.login(stack.admin);
});

/** The real fetch, with a log of what went through it. */
function countingFetch(): { fetch: FetchLike; paths: string[]; count(path: string): number } {
  const paths: string[] = [];
  return {
    paths,
    fetch: (input, init) => {
      paths.push(`${init.method} ${new URL(input).pathname}`);
      return fetch(input, init);
    },
    count: (path) => paths.filter((p) => p === path).length,
  };
}

async function customer(): Promise<User> {
  return new LoanClient({ baseUrl: stack.url }).signup({ email: email("sdk-sess"), password: PASSWORD, first_name: "Sdk", last_name: "Session", is_customer: true, is_agent: false });
}

/** A client signed in as a fresh customer; its access token then replaced by an expired one of the same session. */
async function clientWithExpiredToken(options: { fetch?: FetchLike; onTokens?: (t: LoginResponse) => void } = {}): Promise<{ client: LoanClient; user: User }> {
  const user = await customer();
  const client = new LoanClient({ baseUrl: stack.url, maxRetries: 0, ...options });
  const session = await client.login({ email: user.email, password: PASSWORD });
  const sid = (JSON.parse(Buffer.from(session.token.split(".")[1]!, "base64url").toString()) as { sid: string }).sid;
  client.token = await mintToken(stack, user.id, "customer", { sid, expiresIn: "-10s" });
  return { client, user };
}

describe("the session methods", () => {
  test("login keeps both tokens; refresh rotates them; the spent one no longer refreshes", async () => {
    const user = await customer();
    const client = new LoanClient({ baseUrl: stack.url });
    const session = await client.login({ email: user.email, password: PASSWORD });
    expect(client.refreshToken).toBe(session.refresh_token);
    const renewed = await client.refresh();
    expect(renewed.refresh_token).not.toBe(session.refresh_token);
    expect(client.token).toBe(renewed.token);
    expect(client.refreshToken).toBe(renewed.refresh_token);
    await expect(client.profile()).resolves.toMatchObject({ id: user.id });
    await expect(new LoanClient({ baseUrl: stack.url }).refresh(session.refresh_token)).rejects.toMatchObject({ status: 401, type: "REFRESH_TOKEN_REUSED" });
  });

  test("listSessions marks the current one; endSession ends another (someone else's is a NotFoundError); logout ends this one", async () => {
    const user = await customer();
    const laptop = new LoanClient({ baseUrl: stack.url });
    const phone = new LoanClient({ baseUrl: stack.url });
    await laptop.login({ email: user.email, password: PASSWORD });
    await phone.login({ email: user.email, password: PASSWORD });
    const { rows } = await laptop.listSessions();
    expect(rows).toHaveLength(2);
    const phoneSession = rows.find((s) => !s.current)!;
    expect(rows.find((s) => s.current)).toMatchObject({ ip: "127.0.0.1", user_agent: expect.any(String) });
    const error = await admin.endSession(phoneSession.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    await laptop.endSession(phoneSession.id);
    await expect(phone.profile()).rejects.toBeInstanceOf(AuthenticationError);
    await laptop.logout();
    expect(laptop.token).toBeUndefined();
    expect(laptop.refreshToken).toBeUndefined();
    // logging out of a session that ended already is no error
    await expect(phone.logout()).resolves.toBeUndefined();
  });

  test("endSessionsOf (admin) ends every session of a user", async () => {
    const user = await customer();
    const client = new LoanClient({ baseUrl: stack.url });
    const session = await client.login({ email: user.email, password: PASSWORD });
    await admin.endSessionsOf(user.id);
    await expect(client.profile()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(new LoanClient({ baseUrl: stack.url }).refresh(session.refresh_token)).rejects.toMatchObject({ status: 401 });
  });
});

describe("the one-time refresh on a 401", () => {
  test("an expired access token: the client refreshes once, repeats the call, keeps the new pair", async () => {
    const counter = countingFetch();
    const kept: LoginResponse[] = [];
    const { client, user } = await clientWithExpiredToken({ fetch: counter.fetch, onTokens: (t) => void kept.push(t) });
    const stale = client.token;
    counter.paths.length = 0;
    kept.length = 0;
    await expect(client.profile()).resolves.toMatchObject({ id: user.id });
    expect(counter.paths).toEqual(["GET /api/v1/user/profile", "POST /api/v1/user/token/refresh", "GET /api/v1/user/profile"]);
    expect(client.token).not.toBe(stale);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.token).toBe(client.token);
    // the next call needs no refresh
    await client.profile();
    expect(counter.count("POST /api/v1/user/token/refresh")).toBe(1);
  });

  test("a write is repeated too, with the same Idempotency-Key, and done once", async () => {
    const agentUser = await new LoanClient({ baseUrl: stack.url }).signup({ email: email("sdk-agent"), password: PASSWORD, first_name: "Sdk", last_name: "Agent", is_customer: false, is_agent: true });
    await admin.approveAgent(agentUser.id);
    const keys: string[] = [];
    const client = new LoanClient({
      baseUrl: stack.url,
      fetch: (input, init) => {
        if (new URL(input).pathname === "/api/v1/loan/customer-loan") keys.push((init.headers as Record<string, string>)["idempotency-key"]!);
        return fetch(input, init);
      },
    });
    const session = await client.login({ email: agentUser.email, password: PASSWORD });
    const sid = (JSON.parse(Buffer.from(session.token.split(".")[1]!, "base64url").toString()) as { sid: string }).sid;
    client.token = await mintToken(stack, agentUser.id, "agent", { sid, expiresIn: "-10s" });
    const owner = await customer();
    const loan = await client.requestLoan({ customer_id: owner.id, principal: "10000.00", tenure_months: 12 });
    expect(loan).toMatchObject({ customer_id: owner.id, status: "NEW" });
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });

  test("concurrent calls answered 401 share one refresh", async () => {
    const counter = countingFetch();
    const { client, user } = await clientWithExpiredToken({ fetch: counter.fetch });
    counter.paths.length = 0;
    const answers = await Promise.all(Array.from({ length: 5 }, () => client.profile()));
    for (const answer of answers) expect(answer.id).toBe(user.id);
    expect(counter.count("POST /api/v1/user/token/refresh")).toBe(1);
    expect(counter.count("GET /api/v1/user/profile")).toBe(10);
  });

  test("never more than once: a refresh that fails leaves the call's 401, with one refresh tried", async () => {
    const counter = countingFetch();
    const { client, user } = await clientWithExpiredToken({ fetch: counter.fetch });
    // The session is ended: the refresh token is dead as well.
    await admin.endSessionsOf(user.id);
    counter.paths.length = 0;
    const error = await client.profile().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(counter.paths).toEqual(["GET /api/v1/user/profile", "POST /api/v1/user/token/refresh"]);
    // the dead refresh token is dropped: the next call does not try again
    expect(client.refreshToken).toBeUndefined();
    await expect(client.profile()).rejects.toBeInstanceOf(AuthenticationError);
    expect(counter.count("POST /api/v1/user/token/refresh")).toBe(1);
  });

  test("without a refresh token a 401 is simply thrown", async () => {
    const counter = countingFetch();
    const client = new LoanClient({ baseUrl: stack.url, token: "not-a-token", fetch: counter.fetch });
    await expect(client.profile()).rejects.toBeInstanceOf(AuthenticationError);
    expect(counter.paths).toEqual(["GET /api/v1/user/profile"]);
  });

  test("a client given only a refresh token gets its access token on the first call", async () => {
    const user = await customer();
    const session = await new LoanClient({ baseUrl: stack.url }).login({ email: user.email, password: PASSWORD });
    const counter = countingFetch();
    const client = new LoanClient({ baseUrl: stack.url, refreshToken: session.refresh_token, fetch: counter.fetch });
    await expect(client.profile()).resolves.toMatchObject({ id: user.id });
    expect(counter.paths).toEqual(["GET /api/v1/user/profile", "POST /api/v1/user/token/refresh", "GET /api/v1/user/profile"]);
  });
});
