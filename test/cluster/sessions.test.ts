/**
 * Ending a session is effective on every gateway within a second, over NATS: two gateways,
 * two users instances (each with its own memory cache of `users.resolve`), loans and audit,
 * each in a process of its own. A logout through one gateway, or an admin ending a user's
 * sessions, and the tokens are refused on the other — by whichever users instance answers —
 * although both had the session's answer cached.
 */
import type { LoginResponse } from "../../sdk/contracts.js";
import { eventually, GiveUp } from "../support/eventually.js";
import { Api, email } from "../support/http.js";
import { acquireClusterLock, Cluster, describeCluster, transportFor, waitHealthy } from "../support/cluster.js";

const KIND = transportFor("nats");
const PASSWORD = "password-123";
/** The spec: a session's tokens stop working within 1 s on every gateway instance. */
const EFFECTIVE_WITHIN_MS = 1000;

describeCluster(KIND, `ending sessions across gateways over ${KIND}`, (transporter) => {
  let release: (() => void) | undefined;
  let cluster: Cluster | undefined;
  let gatewayA: Api;
  let gatewayB: Api;
  let adminToken: string;

  beforeAll(async () => {
    release = await acquireClusterLock();
    cluster = await Cluster.create({ transporter });
    const c = cluster;
    const [, , , , apiA, apiB] = await Promise.all([
      c.start("users", { name: "users-a" }),
      c.start("users", { name: "users-b" }),
      c.start("loans"),
      c.start("audit"),
      c.start("api", { name: "api-a" }),
      c.start("api", { name: "api-b" }),
    ]);
    gatewayA = new Api(apiA.url!);
    gatewayB = new Api(apiB.url!);
    await Promise.all([waitHealthy(gatewayA), waitHealthy(gatewayB)]);
    adminToken = await gatewayA.login(c.admin.email, c.admin.password);
  }, 300_000);

  afterAll(async () => {
    try {
      await cluster?.destroy();
    } finally {
      release?.();
    }
  }, 60_000);

  async function signedInCustomer(): Promise<{ id: number; session: LoginResponse }> {
    const address = email("x-sess");
    const user = await gatewayA.signup("customer", address);
    const res = await gatewayA.call<LoginResponse>("POST", "/api/user/login", { body: { email: address, password: PASSWORD } });
    expect(res.status).toBe(200);
    return { id: user.id, session: res.body };
  }

  /** Several calls through gateway B, so that both users instances cache the session as live. */
  async function warm(token: string): Promise<void> {
    const answers = await Promise.all(Array.from({ length: 6 }, () => gatewayB.call("GET", "/api/user/profile", { token })));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
  }

  /** Milliseconds from now until gateway B refuses the token; fails past the bound. */
  async function refusedOnB(token: string): Promise<number> {
    const start = Date.now();
    await eventually(
      async () => {
        const status = (await gatewayB.call("GET", "/api/user/profile", { token })).status;
        if (status !== 200 && status !== 401) throw new GiveUp(`gateway B answered ${status}: neither 200 (the session still live) nor 401`);
        expect(status).toBe(401);
      },
      { what: "gateway B to refuse the token of the ended session", timeoutMs: EFFECTIVE_WITHIN_MS, intervalMs: 25 },
    );
    return Date.now() - start;
  }

  /** After the first 401, every later call — whichever users instance answers — is refused too. */
  async function staysRefused(token: string): Promise<void> {
    const answers = await Promise.all(Array.from({ length: 6 }, () => gatewayB.call("GET", "/api/user/profile", { token })));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(401));
  }

  test("a logout through gateway A: gateway B refuses the session's token within 1 s", async () => {
    const { session } = await signedInCustomer();
    const other = (await gatewayA.call<LoginResponse>("POST", "/api/user/login", { body: { email: session.user.email, password: PASSWORD } })).body;
    await warm(session.token);
    await warm(other.token);
    expect((await gatewayA.call("POST", "/api/user/logout", { token: session.token })).status).toBe(204);
    expect(await refusedOnB(session.token)).toBeLessThanOrEqual(EFFECTIVE_WITHIN_MS);
    await staysRefused(session.token);
    expect((await gatewayB.call("POST", "/api/user/token/refresh", { body: { refresh_token: session.refresh_token } })).status).toBe(401);
    // the user's other session lives on
    expect((await gatewayB.call("GET", "/api/user/profile", { token: other.token })).status).toBe(200);
  });

  test("an admin ending a user's sessions through gateway A: gateway B refuses them within 1 s", async () => {
    const { id, session } = await signedInCustomer();
    await warm(session.token);
    expect((await gatewayA.call("DELETE", `/api/user/sessions-of/${id}`, { token: adminToken })).status).toBe(204);
    expect(await refusedOnB(session.token)).toBeLessThanOrEqual(EFFECTIVE_WITHIN_MS);
    await staysRefused(session.token);
  });

  test("a replayed refresh token on gateway B ends the session on gateway A as well", async () => {
    const { session } = await signedInCustomer();
    const renewed = await gatewayA.call<LoginResponse>("POST", "/api/user/token/refresh", { body: { refresh_token: session.refresh_token } });
    expect(renewed.status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 6 }, () => gatewayA.call("GET", "/api/user/profile", { token: renewed.body.token })));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    expect((await gatewayB.call("POST", "/api/user/token/refresh", { body: { refresh_token: session.refresh_token } })).status).toBe(401);
    const after = await Promise.all(Array.from({ length: 6 }, () => gatewayA.call("GET", "/api/user/profile", { token: renewed.body.token })));
    expect(after.map((a) => a.status)).toEqual(Array(6).fill(401));
  });
});
