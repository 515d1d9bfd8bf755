/**
 * A session's hard end, through real HTTP with a short SESSION_MAX_AGE: however often it is
 * refreshed, a session ends SESSION_MAX_AGE after its login — the refresh answers 401 after
 * that, the access token stops, and no refresh answer promises a life past that end. And a
 * token signed with the real secret but without `exp` is refused.
 */
import jwt from "jsonwebtoken";
import { keyId } from "../../services/shared/tokens.js";
import { openSession } from "../support/actors.js";
import { useStack } from "../support/fixture.js";
import { email } from "../support/http.js";

const PASSWORD = "password-123";
const MAX_AGE_SECONDS = 6;
const { stack, api } = useStack({ env: { SESSION_MAX_AGE: `${MAX_AGE_SECONDS}s` } });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const refresh = (refresh_token: string) => api.call("POST", "/api/v1/user/token/refresh", { body: { refresh_token } });

test("refreshes do not extend a session past SESSION_MAX_AGE after its login: then the refresh and the access token answer 401", async () => {
  const address = email("maxage");
  await api.signup("customer", address);
  const loggedInAt = Date.now();
  const login = await api.call("POST", "/api/v1/user/login", { body: { email: address, password: PASSWORD } });
  expect(login.status).toBe(200);
  expect(login.body.refresh_expires_in).toBeLessThanOrEqual(MAX_AGE_SECONDS);
  expect(login.body.expires_in).toBeLessThanOrEqual(MAX_AGE_SECONDS);
  let refreshToken: string = login.body.refresh_token;
  let token: string = login.body.token;
  // Refreshed every second: each answer promises no more than what is left of the session.
  while (Date.now() - loggedInAt < (MAX_AGE_SECONDS - 2) * 1000) {
    await sleep(1000);
    const res = await refresh(refreshToken);
    expect(res.status).toBe(200);
    const left = MAX_AGE_SECONDS - (Date.now() - loggedInAt) / 1000;
    expect(res.body.refresh_expires_in).toBeLessThanOrEqual(Math.ceil(left) + 1);
    expect(res.body.expires_in).toBeLessThanOrEqual(Math.ceil(left) + 1);
    refreshToken = res.body.refresh_token;
    token = res.body.token;
  }
  expect((await api.call("GET", "/api/v1/user/profile", { token })).status).toBe(200);
  await sleep(loggedInAt + (MAX_AGE_SECONDS + 1) * 1000 - Date.now());
  const late = await refresh(refreshToken);
  expect({ status: late.status, type: late.body.type }).toEqual({ status: 401, type: "REFRESH_TOKEN_INVALID" });
  expect((await api.call("GET", "/api/v1/user/profile", { token })).status).toBe(401);
});

test("a token signed with the real secret but without exp → 401", async () => {
  const address = email("noexp");
  const user = await api.signup("customer", address);
  const sid = await openSession(stack, user.id);
  const token = jwt.sign({ role: "customer", sid }, stack.jwtSecret, { algorithm: "HS256", keyid: keyId(stack.jwtSecret), subject: String(user.id), issuer: "loanstack" });
  expect((jwt.decode(token) as jwt.JwtPayload).exp).toBeUndefined();
  const res = await api.call("GET", "/api/v1/user/profile", { token });
  expect({ status: res.status, type: res.body.type }).toEqual({ status: 401, type: "INVALID_TOKEN" });
  // The same token with an exp is taken: only the missing exp refused it.
  const withExp = jwt.sign({ role: "customer", sid }, stack.jwtSecret, { algorithm: "HS256", keyid: keyId(stack.jwtSecret), subject: String(user.id), issuer: "loanstack", expiresIn: "5m" });
  expect((await api.call("GET", "/api/v1/user/profile", { token: withExp })).status).toBe(200);
});
