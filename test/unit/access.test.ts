import type { AuthUser } from "../../sdk/contracts.js";
import { checkAccess } from "../../services/shared/access.js";

const user = (role: AuthUser["role"], is_approved = true): AuthUser => ({ id: 1, email: "x@example.test", role, is_approved });

describe("role rules", () => {
  test("public actions are open to anyone", () => {
    expect(checkAccess("public", null)).toBe("allow");
    expect(checkAccess("public", user("customer"))).toBe("allow");
  });

  test("an action that declares no access is never reachable from outside", () => {
    expect(checkAccess(undefined, null)).toBe("forbidden");
    expect(checkAccess(undefined, user("admin"))).toBe("forbidden");
  });

  test("anything but public needs a token", () => {
    expect(checkAccess("signed-in", null)).toBe("unauthenticated");
    expect(checkAccess(["admin"], undefined)).toBe("unauthenticated");
  });

  test("signed-in admits every role", () => {
    for (const role of ["admin", "agent", "customer"] as const) expect(checkAccess("signed-in", user(role))).toBe("allow");
  });

  test("a role list admits those roles only", () => {
    expect(checkAccess(["admin", "agent"], user("admin"))).toBe("allow");
    expect(checkAccess(["admin", "agent"], user("agent"))).toBe("allow");
    expect(checkAccess(["admin", "agent"], user("customer"))).toBe("forbidden");
  });

  test("an agent waiting for approval may not act as an agent", () => {
    expect(checkAccess(["agent"], user("agent", false))).toBe("forbidden");
    expect(checkAccess("signed-in", user("agent", false))).toBe("allow");
  });
});
