/** What a user row looks like outside the users service: never the password hash. */
import type { AuthUser, User } from "../../sdk/contracts.js";
import type { UserRow } from "./user.model.js";

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    role: row.role,
    is_approved: row.is_approved,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

export function toAuthUser(row: Pick<UserRow, "id" | "email" | "role" | "is_approved">): AuthUser {
  return { id: row.id, email: row.email, role: row.role, is_approved: row.is_approved };
}
