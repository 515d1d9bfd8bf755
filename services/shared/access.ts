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
