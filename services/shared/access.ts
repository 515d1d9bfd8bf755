/**
 * Role rules: who may call what. Pure functions, so they are tested without a broker;
 * the gateway applies them in one place (its `authorize` hook) to the `access` that
 * each action declares.
 */
import type { AuthUser, Role } from "../../sdk/contracts.js";

/** "public": anyone; "signed-in": any valid token; a role list: approved users of those roles. */
export type Access = "public" | "signed-in" | readonly Role[];

export type AccessVerdict = "allow" | "unauthenticated" | "forbidden";

export function checkAccess(access: Access | undefined, user: AuthUser | null | undefined): AccessVerdict {
  if (access === "public") return "allow";
  if (access === undefined) return "forbidden";
  if (!user) return "unauthenticated";
  if (access === "signed-in") return "allow";
  // Agents act only once an admin approved them; customers and admins are approved at birth.
  return user.is_approved && access.includes(user.role) ? "allow" : "forbidden";
}

/**
 * Whose account a caller may read (GET user/users/{id}): an admin anyone's, an approved
 * agent a customer's (the people they act for), a customer their own. `target` is null
 * when no user has the id: only those who could read it learn that (404), others get 403.
 */
export function mayReadUser(caller: AuthUser, targetId: number, target: { role: Role } | null): "allow" | "forbidden" | "not-found" {
  if (caller.role === "customer") return caller.id === targetId ? (target ? "allow" : "not-found") : "forbidden";
  if (caller.role === "agent" && !caller.is_approved) return "forbidden";
  if (!target) return "not-found";
  return caller.role === "admin" || target.role === "customer" ? "allow" : "forbidden";
}
