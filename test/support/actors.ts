/** The people of the domain, signed up through the API: one of each kind, with tokens. */
import jwt from "jsonwebtoken";
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
  /** Signed up, not approved: cannot log in, so its token is minted with the stack's secret. */
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

export function mintToken(stack: Stack, id: number, role: string): string {
  return jwt.sign({ role }, stack.jwtSecret, { algorithm: "HS256", subject: String(id), issuer: "loanstack", expiresIn: "1h" });
}

export async function createActors(stack: Stack): Promise<Actors> {
  const api = new Api(stack.url);
  const adminToken = await api.login(stack.admin.email, stack.admin.password);
  const profile = await api.call("GET", "/api/user/profile", { token: adminToken });
  const admin = { id: profile.body.id as number, email: stack.admin.email, token: adminToken };
  const [customer, otherCustomer, agent, pending] = await Promise.all([
    signedUp(api, "customer"),
    signedUp(api, "customer"),
    approvedAgent(api, adminToken),
    signedUp(api, "agent"),
  ]);
  return { admin, customer, otherCustomer, agent, pendingAgent: { ...pending, token: mintToken(stack, pending.id, "agent") } };
}
