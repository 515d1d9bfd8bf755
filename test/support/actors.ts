/** The people of the domain, signed up through the API: one of each kind, with tokens. */
import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { Client } from "pg";
import { keyId } from "../../services/shared/tokens.js";
import { Api, email } from "./http.js";
import type { Stack } from "./stack.js";

export interface Actor {
  id: number;
  email: string;
  token: string;
}

export interface Actors {
  admin: Actor;
  customer: Actor;
  otherCustomer: Actor;
  agent: Actor;
  /** Signed up, not approved: cannot log in, so its token (and session) is minted with the stack's secret. */
  pendingAgent: Actor;
}

export async function signedUp(api: Api, kind: "customer" | "agent"): Promise<Actor> {
  const address = email(kind);
  const user = await api.signup(kind, address);
  return { id: user.id, email: address, token: kind === "customer" ? await api.login(address, "password-123") : "" };
}

export async function approvedAgent(api: Api, adminToken: string): Promise<Actor> {
  const agent = await signedUp(api, "agent");
  const res = await api.call("PUT", `/api/user/approve-delete/${agent.id}`, { token: adminToken });
  if (res.status !== 200) throw new Error(`approve agent: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...agent, token: await api.login(agent.email, "password-123") };
}

/** A live session for the user, written straight into the users database (as a login would). */
export async function openSession(stack: Stack, userId: number): Promise<string> {
  const sid = crypto.randomUUID();
  const client = new Client({ connectionString: stack.databases.users });
  await client.connect();
  try {
    // No row for a user that does not exist: its token must fail for that reason alone.
    await client.query(
      `INSERT INTO sessions (id, user_id, refresh_hash, expires_at)
       SELECT $1, $2, $3, now() + interval '1 day' WHERE EXISTS (SELECT 1 FROM users WHERE id = $2)`,
      [sid, userId, crypto.randomBytes(32).toString("hex")],
    );
  } finally {
    await client.end();
  }
  return sid;
}

/** A token signed with the stack's secret, of a session of its own (or of `sid`). */
export async function mintToken(stack: Stack, id: number, role: string, options: { sid?: string; expiresIn?: string } = {}): Promise<string> {
  const sid = options.sid ?? (await openSession(stack, id));
  return jwt.sign({ role, sid }, stack.jwtSecret, {
    algorithm: "HS256",
    keyid: keyId(stack.jwtSecret),
    subject: String(id),
    issuer: "loanstack",
    expiresIn: (options.expiresIn ?? "1h") as jwt.SignOptions["expiresIn"],
  });
}

export async function createActors(stack: Stack): Promise<Actors> {
  const api = new Api(stack.url);
  const adminToken = await api.login(stack.admin.email, stack.admin.password);
  const profile = await api.call("GET", "/api/user/profile", { token: adminToken });
  const admin = { id: profile.body.id as number, email: stack.admin.email, token: adminToken };
  const [customer, otherCustomer, agent, pending] = await Promise.all([signedUp(api, "customer"), signedUp(api, "customer"), approvedAgent(api, adminToken), signedUp(api, "agent")]);
  return { admin, customer, otherCustomer, agent, pendingAgent: { ...pending, token: await mintToken(stack, pending.id, "agent") } };
}
