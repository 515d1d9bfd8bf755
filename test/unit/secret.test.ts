import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { resolveJwtSecret, resolveJwtSecrets } from "../../services/shared/secret.js";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "loanstack-secret-"));

describe("JWT secret", () => {
  test("production refuses to start without a secret, or with a short one", () => {
    expect(() => resolveJwtSecret({ env: "production", dataDir: tmp() })).toThrow(/JWT_SECRET is required/);
    expect(() => resolveJwtSecret({ env: "production", jwtSecret: "short", dataDir: tmp() })).toThrow(/at least 32/);
    const strong = "x".repeat(32);
    expect(resolveJwtSecret({ env: "production", jwtSecret: strong, dataDir: tmp() })).toBe(strong);
  });

  test("elsewhere a random secret is made once per data dir, kept with mode 0600", () => {
    const dir = tmp();
    const first = resolveJwtSecret({ env: "development", dataDir: dir });
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(resolveJwtSecret({ env: "development", dataDir: dir })).toBe(first);
    expect(fs.statSync(path.join(dir, "jwt-secret")).mode & 0o777).toBe(0o600);
    expect(resolveJwtSecret({ env: "development", dataDir: tmp() })).not.toBe(first);
  });

  test("several secrets, new,old: the first signs, all are accepted; production wants each strong", () => {
    const [a, b] = ["a".repeat(32), "b".repeat(40)];
    expect(resolveJwtSecrets({ env: "production", jwtSecret: `${a}, ${b}`, dataDir: tmp() })).toEqual([a, b]);
    expect(resolveJwtSecret({ env: "production", jwtSecret: `${a},${b}`, dataDir: tmp() })).toBe(a);
    expect(() => resolveJwtSecrets({ env: "production", jwtSecret: `${a},short`, dataDir: tmp() })).toThrow(/at least 32 characters in production \(each/);
    expect(() => resolveJwtSecrets({ env: "production", jwtSecret: `short,${a}`, dataDir: tmp() })).toThrow(/at least 32/);
    expect(() => resolveJwtSecrets({ env: "development", jwtSecret: `${a},`, dataDir: tmp() })).toThrow(/empty entry/);
    expect(resolveJwtSecrets({ env: "development", jwtSecret: "dev,older", dataDir: tmp() })).toEqual(["dev", "older"]);
  });
});
