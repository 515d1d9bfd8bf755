/** The users service's actions through a real broker and its own PostgreSQL database. */
import type { Context } from "moleculer";
import jwt from "jsonwebtoken";
import type { AuthUser, EventPayload, LoginResponse, User } from "../../sdk/contracts.js";
import { useStack } from "../support/fixture.js";

const { stack } = useStack();
const events: Array<{ name: string; payload: unknown }> = [];

beforeAll(async () => {
  stack.broker.createService({
    name: "event-recorder",
    events: {
      "user.*"(ctx: Context) {
        events.push({ name: ctx.eventName ?? "", payload: ctx.params });
      },
      "agent.approved"(ctx: Context) {
        events.push({ name: ctx.eventName ?? "", payload: ctx.params });
      },
    },
  });
  await stack.broker.waitForServices(["event-recorder"]);
});

const adminMeta = async (): Promise<{ meta: { user: AuthUser } }> => {
  const admin = await stack.broker.call<User[], { query: { role: string } }>("users.find", { query: { role: "admin" } });
  return { meta: { user: { id: admin[0]!.id, email: admin[0]!.email, role: "admin", is_approved: true } } };
};

const signup = (email: string, kind: "customer" | "agent") =>
  stack.broker.call<User, object>("users.signup", { email, password: "password-123", first_name: "A", last_name: "B", is_customer: kind === "customer", is_agent: kind === "agent" });

test("the bootstrap admin exists once, and a restart on the same database does not make another", async () => {
  const admins = await stack.broker.call<User[], object>("users.find", { query: { role: "admin" } });
  expect(admins).toHaveLength(1);
  expect(admins[0]).not.toHaveProperty("password_hash");
});

test("signup stores a bcrypt hash, never the password, and announces user.created", async () => {
  const user = await signup("Mixed.Case@Example.test", "customer");
  expect(user).toMatchObject({ email: "mixed.case@example.test", role: "customer", is_approved: true });
  const [row] = await stack.broker.call<Array<Record<string, unknown>>, object>("users.find", { query: { id: user.id }, fields: ["id"] });
  expect(row).toEqual({ id: user.id });
  expect(events).toContainEqual({ name: "user.created", payload: { actor_id: null, user } });
});

test("emails are unique whatever their case", async () => {
  await signup("dup@example.test", "customer");
  await expect(signup("DUP@example.test", "agent")).rejects.toMatchObject({ code: 409, type: "EMAIL_TAKEN" });
});

test("resolve is cached and the cache is cleared when an agent is deleted", async () => {
  const agent = await signup("gone@example.test", "agent");
  const opts = await adminMeta();
  await stack.broker.call("users.approveAgent", { id: agent.id }, opts);
  const login = await stack.broker.call<LoginResponse, object>("users.login", { email: "gone@example.test", password: "password-123" });
  const sid = (jwt.decode(login.token) as { sid: string }).sid;
  expect(await stack.broker.call("users.resolve", { id: agent.id, sid })).toMatchObject({ id: agent.id, role: "agent", is_approved: true });
  await stack.broker.call("users.deleteAgent", { id: agent.id }, opts);
  expect(await stack.broker.call("users.resolve", { id: agent.id, sid })).toBeNull();
  const deleted = events.find((e) => e.name === "user.deleted") as { payload: EventPayload<"user.deleted"> } | undefined;
  expect(deleted?.payload).toMatchObject({ actor_id: opts.meta.user.id, user: { id: agent.id } });
});

test("only agents are approved or deleted through the agent actions", async () => {
  const customer = await signup("not-an-agent@example.test", "customer");
  await expect(stack.broker.call("users.approveAgent", { id: customer.id }, await adminMeta())).rejects.toMatchObject({ code: 404 });
  await expect(stack.broker.call("users.deleteAgent", { id: 999999 }, await adminMeta())).rejects.toMatchObject({ code: 404 });
});

test("isCustomer tells customers from everyone else", async () => {
  const customer = await signup("cust@example.test", "customer");
  const agent = await signup("agent@example.test", "agent");
  expect(await stack.broker.call("users.isCustomer", { id: customer.id })).toBe(true);
  expect(await stack.broker.call("users.isCustomer", { id: agent.id })).toBe(false);
  expect(await stack.broker.call("users.isCustomer", { id: 987654 })).toBe(false);
});

test("the health action answers with its database", async () => {
  expect(await stack.broker.call("users.health")).toEqual({ ok: true });
});
