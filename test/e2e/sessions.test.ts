/**
 * Sessions end to end, through the gateway on real PostgreSQL: login answers a pair; refresh
 * rotates it under a row lock (exactly one of concurrent refreshes wins, a replayed token
 * ends the session); logout, ending one session, an admin ending all of a user's, a password
 * change and a deletion each stop the tokens at once; the list of live sessions; the headers;
 * and a refresh while the users database is down spends nothing.
 */
import jwt from "jsonwebtoken";
import { Client } from "pg";
import type { LoginResponse, SessionList } from "../../sdk/contracts.js";
import { approvedAgent, signedUp } from "../support/actors.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import { email, type HttpAnswer, type Json } from "../support/http.js";

const PASSWORD = "password-123";
const { stack, api, beforeStop } = useStack();
let adminToken: string;
let db: Client;

beforeAll(async () => {
  adminToken = await api.login(stack.admin.email, stack.admin.password);
  db = new Client({ connectionString: stack.databases.users });
  await db.connect();
});
beforeStop(() => db?.end());

async function login(address: string, userAgent = "sessions-test/1.0"): Promise<LoginResponse> {
  const res = await api.call<LoginResponse>("POST", "/api/user/login", { body: { email: address, password: PASSWORD }, headers: { "user-agent": userAgent } });
  if (res.status !== 200) throw new Error(`login ${address}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function customer(): Promise<{ id: number; email: string }> {
  const address = email("sess");
  const user = await api.signup("customer", address);
  return { id: user.id, email: address };
}

const refresh = (token: unknown, headers?: Record<string, string>) => api.call<LoginResponse>("POST", "/api/user/token/refresh", { body: { refresh_token: token }, headers });
const profile = (token: string) => api.call("GET", "/api/user/profile", { token });
const sidOf = (token: string): string => (jwt.decode(token) as { sid: string }).sid;

function expectError(res: HttpAnswer<Json>, status: number, type?: string): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: expect.objectContaining({ name: expect.any(String), message: expect.any(String), code: status, ...(type ? { type } : {}) }) });
  expect(res.body).not.toHaveProperty("token");
}

/** The audit log's session.revoked rows of a user, once the outbox delivered `count` of them. */
async function revocations(userId: number, count: number): Promise<Array<{ actor_id: number | null; after: { session_ids: string[]; reason: string } }>> {
  return eventually(
    async () => {
      const res = await api.call("GET", `/api/audit/events?entity=user&entity_id=${userId}&event=session.revoked`, { token: adminToken });
      expect(res.body.rows.length).toBeGreaterThanOrEqual(count);
      return res.body.rows;
    },
    { what: `${count} session.revoked event(s) of user ${userId} in the audit log` },
  );
}

describe("login", () => {
  test("answers a pair: an access token naming its session, an opaque refresh token; never cached", async () => {
    const user = await customer();
    const res = await api.call<LoginResponse>("POST", "/api/user/login", { body: { email: user.email, password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      token: expect.any(String),
      token_type: "Bearer",
      expires_in: 7200,
      refresh_token: expect.stringMatching(/^[\w-]{43}$/),
      refresh_expires_in: 2592000,
      user: expect.objectContaining({ id: user.id }),
      device_token: expect.stringMatching(/^d1\./),
    });
    const decoded = jwt.decode(res.body.token, { complete: true })!;
    expect(decoded.header).toMatchObject({ alg: "HS256", kid: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(decoded.payload).toMatchObject({ sub: String(user.id), role: "customer", sid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(res.headers.get("cache-control")).toBe("no-store");
    // Only a hash of the refresh token is kept.
    const { rows } = await db.query("SELECT * FROM sessions WHERE id = $1", [sidOf(res.body.token)]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(res.body.refresh_token);
    expect(rows[0].refresh_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("each login is a session of its own", async () => {
    const user = await customer();
    const [a, b] = [await login(user.email), await login(user.email)];
    expect(sidOf(a.token)).not.toBe(sidOf(b.token));
    expect((await profile(a.token)).status).toBe(200);
    expect((await profile(b.token)).status).toBe(200);
  });
});

describe("POST /api/user/token/refresh", () => {
  test("trades the refresh token for a new pair of the same session; no-store", async () => {
    const user = await customer();
    const first = await login(user.email);
    const res = await refresh(first.refresh_token);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(Object.keys(res.body).sort()).toEqual(["expires_in", "refresh_expires_in", "refresh_token", "token", "token_type", "user"]);
    expect(res.body.refresh_token).not.toBe(first.refresh_token);
    expect(res.body.user).toMatchObject({ id: user.id });
    expect(sidOf(res.body.token)).toBe(sidOf(first.token));
    expect((await profile(res.body.token)).status).toBe(200);
    // and again with the new one
    const again = await refresh(res.body.refresh_token);
    expect(again.status).toBe(200);
    expect((await profile(again.body.token)).status).toBe(200);
  });

  test("a spent refresh token presented again → 401, and the whole session ends", async () => {
    const user = await customer();
    const first = await login(user.email);
    const other = await login(user.email); // another session of the same user: untouched
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    const replay = await refresh(first.refresh_token);
    expectError(replay, 401, "REFRESH_TOKEN_REUSED");
    // Every token of that session is dead: the new access token, the new refresh token.
    expectError(await profile(second.body.token), 401);
    expectError(await profile(first.token), 401);
    expectError(await refresh(second.body.refresh_token), 401);
    expect((await profile(other.token)).status).toBe(200);
    const [event] = await revocations(user.id, 1);
    expect(event).toMatchObject({ actor_id: null, after: { session_ids: [sidOf(first.token)], reason: "refresh_token_reused" } });
  });

  test("a token two rotations old is recognised as spent too", async () => {
    const user = await customer();
    const first = await login(user.email);
    const second = await refresh(first.refresh_token);
    const third = await refresh(second.body.refresh_token);
    expect(third.status).toBe(200);
    expectError(await refresh(first.refresh_token), 401, "REFRESH_TOKEN_REUSED");
    expectError(await profile(third.body.token), 401);
  });

  test("five concurrent refreshes with one token: exactly one gets a new pair", async () => {
    const user = await customer();
    const first = await login(user.email);
    const answers = await Promise.all(Array.from({ length: 5 }, () => refresh(first.refresh_token)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401, 401, 401]);
    for (const lost of answers.filter((a) => a.status !== 200)) expectError(lost, 401);
  });

  test("refreshes racing on the session's row lock: one wins, the loser gets 401 and the winner's pair lives", async () => {
    const user = await customer();
    const first = await login(user.email);
    const sid = sidOf(first.token);
    // Hold the session's row lock, so that both refreshes are in flight at once, waiting on it.
    const holder = new Client({ connectionString: stack.databases.users });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT id FROM sessions WHERE id = $1 FOR UPDATE", [sid]);
      const racing = [refresh(first.refresh_token), refresh(first.refresh_token)];
      await eventually(
        async () => {
          const { rows } = await db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
          expect(rows[0].n).toBeGreaterThanOrEqual(2);
        },
        { what: "both refreshes waiting on the row lock", intervalMs: 20 },
      );
      await holder.query("COMMIT");
      const answers = await Promise.all(racing);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
      const winner = answers.find((a) => a.status === 200)!;
      expectError(
        answers.find((a) => a.status === 401)!,
        401,
        "REFRESH_TOKEN_INVALID",
      );
      expect((await profile(winner.body.token)).status).toBe(200);
      expect((await refresh(winner.body.refresh_token)).status).toBe(200);
    } finally {
      await holder.end();
    }
  });

  test.each([
    ["unknown", "A".repeat(43)],
    ["malformed", "not a token"],
    ["empty", ""],
    ["a JWT (an access token)", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"],
  ])("a refresh token %s → 401 in the error shape", async (_kind, token) => {
    expectError(await refresh(token), 401, "REFRESH_TOKEN_INVALID");
  });

  test("an access token as the refresh token → 401", async () => {
    const user = await customer();
    const session = await login(user.email);
    expectError(await refresh(session.token), 401);
    expect((await refresh(session.refresh_token)).status).toBe(200);
  });

  test("without refresh_token, or not a string → 422", async () => {
    expectError(await api.call("POST", "/api/user/token/refresh", { body: {} }), 422);
    expectError(await refresh(12345), 422);
  });

  test("an expired refresh token → 401 (the session ended by time)", async () => {
    const user = await customer();
    const session = await login(user.email);
    await db.query("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [sidOf(session.token)]);
    expectError(await refresh(session.refresh_token), 401, "REFRESH_TOKEN_INVALID");
  });

  test("a refresh token sent as a Bearer access token → 401", async () => {
    const user = await customer();
    const session = await login(user.email);
    expectError(await profile(session.refresh_token), 401);
  });

  test("a stale Authorization header sent along does not stop the refresh", async () => {
    const user = await customer();
    const session = await login(user.email);
    const res = await refresh(session.refresh_token, { authorization: "Bearer expired.or.garbage" });
    expect(res.status).toBe(200);
  });

  test("the refresh records the client's address and User-Agent on the session", async () => {
    const user = await customer();
    const session = await login(user.email, "first-client/1");
    const renewed = await refresh(session.refresh_token, { "user-agent": "second-client/2" });
    const list = await api.call<SessionList>("GET", "/api/user/sessions", { token: renewed.body.token });
    expect(list.body.rows).toEqual([expect.objectContaining({ id: sidOf(session.token), user_agent: "second-client/2", ip: "127.0.0.1", current: true })]);
  });
});

describe("logout and ending sessions", () => {
  test("POST /api/user/logout → 204: that session's access and refresh tokens stop at once; others live", async () => {
    const user = await customer();
    const phone = await login(user.email);
    const laptop = await login(user.email);
    expect((await profile(phone.token)).status).toBe(200); // resolved, and cached
    const out = await api.call("POST", "/api/user/logout", { token: phone.token });
    expect(out.status).toBe(204);
    expect(out.body).toBeNull();
    expectError(await profile(phone.token), 401);
    expectError(await refresh(phone.refresh_token), 401);
    expect((await profile(laptop.token)).status).toBe(200);
    const [event] = await revocations(user.id, 1);
    expect(event).toMatchObject({ actor_id: user.id, after: { session_ids: [sidOf(phone.token)], reason: "logout" } });
  });

  test("GET /api/user/sessions lists the live ones: when, from where, which client, which is current", async () => {
    const user = await customer();
    const a = await login(user.email, "client-a/1");
    const b = await login(user.email, "client-b/2");
    const c = await login(user.email, "client-c/3");
    expect((await api.call("POST", "/api/user/logout", { token: c.token })).status).toBe(204);
    const res = await api.call<SessionList>("GET", "/api/user/sessions", { token: a.token });
    expect(res.status).toBe(200);
    expect(res.body.rows).toHaveLength(2);
    expect(res.body.rows).toEqual(
      expect.arrayContaining([
        { id: sidOf(a.token), created_at: expect.any(String), last_used_at: expect.any(String), user_agent: "client-a/1", ip: "127.0.0.1", current: true },
        { id: sidOf(b.token), created_at: expect.any(String), last_used_at: expect.any(String), user_agent: "client-b/2", ip: "127.0.0.1", current: false },
      ]),
    );
    expect(JSON.stringify(res.body)).not.toMatch(/refresh|hash/);
    // Another user sees only theirs.
    const other = await customer();
    const mine = await api.call<SessionList>("GET", "/api/user/sessions", { token: (await login(other.email)).token });
    expect(mine.body.rows.map((s) => s.id)).not.toContain(sidOf(a.token));
  });

  test("DELETE /api/user/sessions/{id} ends one of mine; someone else's, an unknown or an ended one → 404", async () => {
    const user = await customer();
    const a = await login(user.email);
    const b = await login(user.email);
    const stranger = await login((await customer()).email);
    expectError(await api.call("DELETE", `/api/user/sessions/${sidOf(stranger.token)}`, { token: a.token }), 404);
    expect((await profile(stranger.token)).status).toBe(200);
    expectError(await api.call("DELETE", "/api/user/sessions/8c1f5bd8-0f6c-4a2e-9a52-3b1d2e4f5a6b", { token: a.token }), 404);
    expectError(await api.call("DELETE", "/api/user/sessions/not-a-session", { token: a.token }), 404);
    const ended = await api.call("DELETE", `/api/user/sessions/${sidOf(b.token)}`, { token: a.token });
    expect(ended.status).toBe(204);
    expectError(await profile(b.token), 401);
    expectError(await refresh(b.refresh_token), 401);
    expect((await profile(a.token)).status).toBe(200);
    expectError(await api.call("DELETE", `/api/user/sessions/${sidOf(b.token)}`, { token: a.token }), 404);
    // the 404s do not tell an existing session from a made-up one
    const notMine = await api.call("DELETE", `/api/user/sessions/${sidOf(stranger.token)}`, { token: a.token });
    const madeUp = await api.call("DELETE", "/api/user/sessions/8c1f5bd8-0f6c-4a2e-9a52-3b1d2e4f5a6c", { token: a.token });
    expect(notMine.body.type).toBe(madeUp.body.type);
    expect(notMine.body.message.replace(/[0-9a-f-]{36}/, "ID")).toBe(madeUp.body.message.replace(/[0-9a-f-]{36}/, "ID"));
  });

  test("ending the current session through DELETE is a logout", async () => {
    const user = await customer();
    const a = await login(user.email);
    expect((await api.call("DELETE", `/api/user/sessions/${sidOf(a.token)}`, { token: a.token })).status).toBe(204);
    expectError(await profile(a.token), 401);
  });

  test("DELETE /api/user/sessions-of/{user_id} (admin) ends every session of that user", async () => {
    const agent = await approvedAgent(api, adminToken);
    const second = await login(agent.email);
    expect((await api.call("GET", "/api/loan/list-loans-admin-agent", { token: agent.token })).status).toBe(200);
    const res = await api.call("DELETE", `/api/user/sessions-of/${agent.id}`, { token: adminToken });
    expect(res.status).toBe(204);
    expectError(await api.call("GET", "/api/loan/list-loans-admin-agent", { token: agent.token }), 401);
    expectError(await profile(second.token), 401);
    expectError(await refresh(second.refresh_token), 401);
    // The admin's own session is not touched; the agent logs in again.
    expect((await profile(adminToken)).status).toBe(200);
    expect((await profile(await api.login(agent.email, PASSWORD))).status).toBe(200);
    expectError(await api.call("DELETE", "/api/user/sessions-of/987654", { token: adminToken }), 404);
    const [event] = await revocations(agent.id, 1);
    expect(event.after.reason).toBe("ended_by_admin");
    expect(event.after.session_ids).toHaveLength(2);
  });
});

describe("a password change and a deletion", () => {
  test("changing the password ends every other session and keeps the current one", async () => {
    const user = await customer();
    const here = await login(user.email);
    const elsewhere = await login(user.email);
    const thief = await login(user.email);
    const changed = await api.call("PUT", "/api/user/change-password", { token: here.token, body: { current_password: PASSWORD, new_password: "a-new-password-1" } });
    expect(changed.status).toBe(204);
    expect((await profile(here.token)).status).toBe(200);
    expect((await refresh(here.refresh_token)).status).toBe(200);
    for (const gone of [elsewhere, thief]) {
      expectError(await profile(gone.token), 401);
      expectError(await refresh(gone.refresh_token), 401);
    }
    const [event] = await revocations(user.id, 1);
    expect(event).toMatchObject({ actor_id: user.id, after: { reason: "password_changed" } });
    expect(event.after.session_ids.sort()).toEqual([sidOf(elsewhere.token), sidOf(thief.token)].sort());
    const audit = await api.call("GET", `/api/audit/events?entity=user&entity_id=${user.id}&event=user.passwordChanged`, { token: adminToken });
    expect(audit.body.rows).toHaveLength(1);
  });

  test("deleting an agent ends all of theirs", async () => {
    const agent = await approvedAgent(api, adminToken);
    const other = await login(agent.email);
    expect((await api.call("DELETE", `/api/user/approve-delete/${agent.id}`, { token: adminToken })).status).toBe(204);
    expectError(await profile(agent.token), 401);
    expectError(await refresh(other.refresh_token), 401);
    const [event] = await revocations(agent.id, 1);
    expect(event).toMatchObject({ after: { reason: "user_deleted" } });
    expect(event.after.session_ids).toHaveLength(2);
  });

  test("a pending agent has no session to end: its deletion still works", async () => {
    const pending = await signedUp(api, "agent");
    expect((await api.call("DELETE", `/api/user/approve-delete/${pending.id}`, { token: adminToken })).status).toBe(204);
  });
});

describe("headers", () => {
  test("X-Content-Type-Options: nosniff on every answer, routed or not, success or error", async () => {
    const answers = await Promise.all([
      api.call("GET", "/health"),
      profile(adminToken),
      api.call("GET", "/api/user/profile"),
      api.call("GET", "/nowhere"),
      api.call("POST", "/api/user/login", { rawBody: "{not json" }),
      refresh("nothing"),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 404, 400, 401]);
    for (const answer of answers) expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("Cache-Control: no-store on answers with tokens and on every authenticated answer, not on public ones; no CORS headers by default", async () => {
    const user = await customer();
    const session = await login(user.email);
    const read = await profile(session.token);
    expect(read.headers.get("cache-control")).toBe("no-store");
    expect((await api.call("GET", "/health")).headers.get("cache-control")).toBeNull();
    const cross = await api.call("GET", "/api/user/profile", { token: session.token, headers: { origin: "https://elsewhere.example" } });
    expect(cross.status).toBe(200);
    expect(cross.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("the users database down", () => {
  const dbName = () => new URL(stack.databases.users).pathname.slice(1);

  async function usersDatabase(up: boolean): Promise<void> {
    await db.query(`ALTER DATABASE "${dbName()}" ALLOW_CONNECTIONS ${up}`);
    if (!up) await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [dbName()]);
  }

  test("a refresh → 503 with Retry-After, and the refresh token still works afterwards", async () => {
    const user = await customer();
    const session = await login(user.email);
    // The test's own connection goes too: a fresh one on another database toggles it.
    await db.end();
    db = new Client({ connectionString: stack.databases.users.replace(/\/[^/]+$/, "/postgres") });
    await db.connect();
    await usersDatabase(false);
    try {
      for (let i = 0; i < 2; i++) {
        const down = await refresh(session.refresh_token);
        expectError(down, 503);
        expect(down.headers.get("retry-after")).toMatch(/^\d+$/);
      }
    } finally {
      await usersDatabase(true);
    }
    await db.end();
    db = new Client({ connectionString: stack.databases.users });
    await db.connect();
    const back = await refresh(session.refresh_token);
    expect(back.status).toBe(200);
    expect((await profile(back.body.token)).status).toBe(200);
  });
});
