import bcrypt from "bcryptjs";
import { PasswordHasher } from "../../services/users/password-hasher.js";

let hasher: PasswordHasher;
beforeAll(() => {
  hasher = new PasswordHasher(4, 2);
});
afterAll(() => hasher.close());

test("hashes are standard bcrypt of the configured cost, checked both ways", async () => {
  const hash = await hasher.hash("correct horse");
  expect(hash).toMatch(/^\$2[aby]\$04\$/);
  expect(bcrypt.compareSync("correct horse", hash)).toBe(true);
  expect(await hasher.compare("correct horse", hash)).toBe(true);
  expect(await hasher.compare("wrong horse", hash)).toBe(false);
});

test("more jobs than workers are queued, each answered with its own result", async () => {
  const passwords = Array.from({ length: 9 }, (_, i) => `password-${i}`);
  const hashes = await Promise.all(passwords.map((p) => hasher.hash(p)));
  const checks = await Promise.all(hashes.map((h, i) => hasher.compare(passwords[(i + 1) % passwords.length]!, h)));
  expect(checks.every((c) => c === false)).toBe(true);
  expect(await Promise.all(hashes.map((h, i) => hasher.compare(passwords[i]!, h)))).toEqual(Array(9).fill(true));
});

test("a malformed hash never matches, and the pool keeps working", async () => {
  expect(await hasher.compare("x", "not-a-hash")).toBe(false);
  expect(await hasher.compare("y", await hasher.hash("y"))).toBe(true);
});
