/**
 * The SDK and the login limit against a live gateway: `login` answers the device token and
 * the client keeps it (`deviceToken`, or the option of that name) and sends it on its next
 * login, so its owner gets in while the email is locked for clients without one; `getUser`
 * and `clearLoginFailures` (admin).
 */
import { LoanClient, NotFoundError, RateLimitError } from "../../sdk/index.js";
import { useStack } from "../support/fixture.js";
import { email } from "../support/http.js";

const PASSWORD = "password-123";
const { stack } = useStack();
let admin: LoanClient;

beforeAll(async () => {
  admin = new LoanClient({ baseUrl: stack.url });
  await admin.login(stack.admin);
});

async function customer(): Promise<{ id: number; email: string }> {
  const address = email("sdk-dev");
  const user = await new LoanClient({ baseUrl: stack.url }).signup({ email: address, password: PASSWORD, first_name: "Sdk", last_name: "Device", is_customer: true, is_agent: false });
  return { id: user.id, email: address };
}

async function attack(address: string): Promise<void> {
  const stranger = new LoanClient({ baseUrl: stack.url, maxRetries: 0 });
  for (let i = 0; i < 11; i++) await stranger.login({ email: address, password: "wrong-password" }).catch(() => undefined);
}

test("login answers the device token, the client keeps it and sends it on its next login", async () => {
  const user = await customer();
  const owner = new LoanClient({ baseUrl: stack.url, maxRetries: 0 });
  const first = await owner.login({ email: user.email, password: PASSWORD });
  expect(first.device_token).toEqual(expect.any(String));
  expect(owner.deviceToken).toBe(first.device_token);
  await owner.logout();
  expect(owner.deviceToken).toBe(first.device_token);
  await attack(user.email);
  await expect(new LoanClient({ baseUrl: stack.url, maxRetries: 0 }).login({ email: user.email, password: PASSWORD })).rejects.toBeInstanceOf(RateLimitError);
  const again = await owner.login({ email: user.email, password: PASSWORD });
  expect(again.user.email).toBe(user.email);
  // A new client given the device token (kept by the app between runs) gets in too.
  const restarted = new LoanClient({ baseUrl: stack.url, deviceToken: first.device_token, maxRetries: 0 });
  expect((await restarted.login({ email: user.email, password: PASSWORD })).device_token).toBe(first.device_token);
});

test("getUser(id) and clearLoginFailures(userId)", async () => {
  const user = await customer();
  expect(await admin.getUser(user.id)).toMatchObject({ id: user.id, email: user.email });
  await expect(admin.getUser(99_999_999)).rejects.toBeInstanceOf(NotFoundError);
  await attack(user.email);
  const fresh = () => new LoanClient({ baseUrl: stack.url, maxRetries: 0 }).login({ email: user.email, password: PASSWORD });
  await expect(fresh()).rejects.toBeInstanceOf(RateLimitError);
  await admin.clearLoginFailures(user.id);
  expect((await fresh()).user.id).toBe(user.id);
});
