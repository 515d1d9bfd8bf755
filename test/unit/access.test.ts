import type { AuthUser } from "../../sdk/contracts.js";
import { checkAccess, mayReadUser } from "../../services/shared/access.js";

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

describe("whose account a caller may read", () => {
  const caller = (role: AuthUser["role"], id = 10, is_approved = true): AuthUser => ({ id, email: "x@example.test", role, is_approved });
  const target = (role: AuthUser["role"]) => ({ role });

  test("an admin reads anyone; 404 when no one has the id", () => {
    for (const role of ["admin", "agent", "customer"] as const) expect(mayReadUser(caller("admin"), 2, target(role))).toBe("allow");
    expect(mayReadUser(caller("admin"), 2, null)).toBe("not-found");
  });

  test("an approved agent reads customers only; 404 when no one has the id", () => {
    expect(mayReadUser(caller("agent"), 2, target("customer"))).toBe("allow");
    expect(mayReadUser(caller("agent"), 2, target("agent"))).toBe("forbidden");
    expect(mayReadUser(caller("agent"), 2, target("admin"))).toBe("forbidden");
    // Themselves too: an agent is not a customer (their own account is GET user/profile).
    expect(mayReadUser(caller("agent", 2), 2, target("agent"))).toBe("forbidden");
    expect(mayReadUser(caller("agent"), 2, null)).toBe("not-found");
  });

  test("an agent not yet approved reads no one", () => {
    expect(mayReadUser(caller("agent", 10, false), 2, target("customer"))).toBe("forbidden");
    expect(mayReadUser(caller("agent", 10, false), 2, null)).toBe("forbidden");
  });

  test("a customer reads themselves; anyone else is forbidden, whether or not they exist", () => {
    expect(mayReadUser(caller("customer", 7), 7, target("customer"))).toBe("allow");
    expect(mayReadUser(caller("customer", 7), 8, target("customer"))).toBe("forbidden");
    expect(mayReadUser(caller("customer", 7), 8, target("admin"))).toBe("forbidden");
    expect(mayReadUser(caller("customer", 7), 8, null)).toBe("forbidden");
  });
});
