/**
 * users: accounts, roles and agent approvals. Owns the users database; other services
 * learn about users only through its actions and events.
 */
import { Errors, type Service } from "moleculer";
import { USER_SEARCH_MIN, type ActionParams, type ActionResult, type Page, type Role, type User } from "../sdk/contracts.js";
import { NO_RETRY, defineService } from "./shared/schema.js";
import { configOf } from "./shared/deps.js";
import { ownDatabase, type DbServiceThis } from "./shared/db.js";
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, fieldError } from "./shared/errors.js";
import { callerOf, type AppContext } from "./shared/context.js";
import { mayReadUser } from "./shared/access.js";
import { pageParams, pageWindow, toPage } from "./shared/pagination.js";
import { idParam, passwordFits, passwordParam } from "./shared/params.js";
import { moneyParam, parseMoney } from "./shared/money-param.js";
import { resolveJwtSecrets } from "./shared/secret.js";
import { TokenService } from "./shared/tokens.js";
import { DeviceTokens } from "./users/device-token.js";
import { emailParam, nameParam } from "./users/identity-params.js";
import { LOGIN_FAILURE_WINDOW_SECONDS, emailKey, normaliseEmail } from "./users/login-limit.js";
import { userMigrations } from "./users/migrations.js";
import { PasswordHasher } from "./users/password-hasher.js";
import { usersRepository } from "./users/repository.js";
import { clientOf, sessionsMixin, type SessionsVars } from "./users/sessions.js";
import { defineUserModel, type UserModel, type UserRow } from "./users/user.model.js";
import type { UserFilter } from "./users/user-repository.js";
import { toAuthUser, toUser } from "./users/user-view.js";

/** Ended and expired sessions are kept this long (for the audit of who was signed in), then dropped. */
const SESSION_KEEP_SECONDS = 90 * 24 * 3600;

interface UsersVars extends SessionsVars {
  hasher: PasswordHasher;
  devices: DeviceTokens;
  pruneTimer?: NodeJS.Timeout;
  /** A hash to compare against when the email is unknown, so both failures take as long. */
  dummyHash: string;
  findRole(id: number, role: Role): Promise<UserRow>;
  listWhere(filter: UserFilter, params: { page?: number; pageSize?: number }): Promise<Page<User>>;
  clearCache(): Promise<void>;
  bootstrapAdmin(): Promise<void>;
}
type UsersThis = Service & UsersVars & DbServiceThis<UserModel>;

type Ctx<A extends keyof ActionParamsMap> = AppContext<ActionParamsMap[A]>;
type ActionParamsMap = {
  signup: ActionParams<"users.signup">;
  login: ActionParams<"users.login">;
  resolve: ActionParams<"users.resolve">;
  lookup: ActionParams<"users.lookup">;
  changePassword: ActionParams<"users.changePassword">;
  createAdmin: ActionParams<"users.createAdmin">;
  listCustomers: ActionParams<"users.listCustomers">;
  listUsers: ActionParams<"users.listUsers">;
  listApprovals: ActionParams<"users.listApprovals">;
  byId: ActionParams<"users.approveAgent">;
  search: ActionParams<"users.search">;
  clearLoginFailures: ActionParams<"users.clearLoginFailures">;
};

/** 409 for a signup or a create-admin whose email an account has (compared in lower case). */
function emailTaken(): ConflictError {
  return new ConflictError("A user with this email already exists", "EMAIL_TAKEN");
}

/** 429 for an account over its failed-login limit; the gateway turns `retry_after` into Retry-After. */
function tooManyFailures(wait: number): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError("Too many failed logins for this account: try again later", 429, "LOGIN_ATTEMPTS_EXCEEDED", { retry_after: wait });
}

function assertPasswordFits(field: string, password: string): void {
  if (!passwordFits(password)) throw fieldError(field, `The '${field}' field must be at most 72 bytes long in UTF-8.`, "stringMaxBytes");
}

const UsersService = defineService<UsersVars & DbServiceThis<UserModel>>({
  name: "users",
  mixins: [ownDatabase({ urlVariable: "USERS_DATABASE_URL", defineModels: defineUserModel, migrations: userMigrations, outbox: { source: "users" } }), sessionsMixin],
  settings: {
    fields: ["id", "email", "first_name", "last_name", "role", "is_approved", "created_at", "updated_at"],
  },

  actions: {
    signup: {
      access: "public",
      retryPolicy: NO_RETRY,
      params: {
        email: emailParam,
        password: passwordParam,
        first_name: nameParam,
        last_name: nameParam,
        is_customer: { type: "boolean", convert: true, optional: true, default: false },
        is_agent: { type: "boolean", convert: true, optional: true, default: false },
      },
      async handler(this: UsersThis, ctx: Ctx<"signup">): Promise<ActionResult<"users.signup">> {
        const { is_customer, is_agent } = ctx.params;
        if (is_customer === is_agent) throw fieldError("is_customer", "exactly one of is_customer and is_agent must be true", "oneOf");
        assertPasswordFits("password", ctx.params.password);
        const password_hash = await this.hasher.hash(ctx.params.password);
        const user = await this.unitOfWork.run(ctx, async (work) => {
          const row = await this.repo.users.insert(
            { email: ctx.params.email, password_hash, first_name: ctx.params.first_name, last_name: ctx.params.last_name, role: is_customer ? "customer" : "agent", is_approved: is_customer },
            work,
          );
          if (!row) throw emailTaken();
          work.publish("user.created", { actor_id: null, user: toUser(row) });
          return toUser(row);
        });
        ctx.meta.$statusCode = 201;
        ctx.meta.$location = `/api/v1/user/users/${user.id}`;
        return user;
      },
    },

    login: {
      access: "public",
      params: {
        email: { type: "string", max: 254, trim: true },
        password: { type: "string", max: 200 },
        device_token: { type: "string", max: 512, optional: true },
      },
      async handler(this: UsersThis, ctx: Ctx<"login">): Promise<ActionResult<"users.login">> {
        const { email, password } = ctx.params;
        const device = this.devices.verify(ctx.params.device_token);
        // Counted before the password is checked (a locked account costs no bcrypt), for known
        // and unknown emails alike, in the statement that finds the user (login-limit.ts).
        const attempt = await this.unitOfWork.run(ctx, { autocommit: true }, (work) => this.repo.loginLimit.attemptLogin(work, email, device));
        if (attempt.wait > 0) throw tooManyFailures(attempt.wait);
        const row = attempt.user;
        // Past 72 bytes bcrypt would ignore the tail: such a password is never the right one.
        const ok = (await this.hasher.compare(password, row?.password_hash ?? this.dummyHash)) && passwordFits(password);
        if (!row || !ok) throw new UnauthorizedError("Invalid email or password", "INVALID_CREDENTIALS");
        // The count it was made under: the device's own, or the account-wide one (not by the owner's device).
        await this.unitOfWork.run(ctx, { autocommit: true }, (work) => this.repo.loginLimit.clear(work, attempt.key));
        if (!row.is_approved) throw new ForbiddenError("This agent account is waiting for an admin's approval", "AGENT_NOT_APPROVED");
        const { session, refreshToken } = await this.unitOfWork.run(ctx, { autocommit: true }, (work) => this.repo.sessions.open(work, row.id, clientOf(ctx)));
        const deviceToken = attempt.byDevice && ctx.params.device_token ? ctx.params.device_token : this.devices.issue(row.id);
        return { ...this.tokenAnswer(ctx, toUser(row), session, refreshToken), device_token: deviceToken };
      },
    },

    /**
     * The gateway's view of a token, on every request: its user, if the token's session is
     * live. Cached by user and session; every change of a user or end of a session clears it.
     */
    resolve: {
      cache: { keys: ["id", "sid"], ttl: 60 },
      params: { id: idParam, sid: { type: "uuid" } },
      async handler(this: UsersThis, ctx: Ctx<"resolve">): Promise<ActionResult<"users.resolve">> {
        const row = await this.repo.sessions.liveUser(ctx.params.id, ctx.params.sid);
        return row ? toAuthUser(row) : null;
      },
    },

    /** Who a user id is (the REPL's `whois`); internal, uncached: `resolve` is the gateway's. */
    lookup: {
      params: { id: idParam },
      async handler(this: UsersThis, ctx: Ctx<"lookup">): Promise<ActionResult<"users.lookup">> {
        const row = await this.repo.users.byId(ctx.params.id);
        return row ? toAuthUser(row) : null;
      },
    },

    isCustomer: {
      cache: { keys: ["id"], ttl: 300 },
      params: { id: idParam },
      async handler(this: UsersThis, ctx: Ctx<"resolve">): Promise<ActionResult<"users.isCustomer">> {
        return this.repo.users.hasRole(ctx.params.id, "customer");
      },
    },

    profile: {
      access: "signed-in",
      async handler(this: UsersThis, ctx: AppContext): Promise<ActionResult<"users.profile">> {
        const row = await this.repo.users.byId(callerOf(ctx).id);
        if (!row) throw new NotFoundError("user", callerOf(ctx).id);
        return toUser(row);
      },
    },

    changePassword: {
      access: "signed-in",
      retryPolicy: NO_RETRY,
      params: { current_password: { type: "string", max: 200 }, new_password: passwordParam },
      async handler(this: UsersThis, ctx: Ctx<"changePassword">): Promise<null> {
        assertPasswordFits("new_password", ctx.params.new_password);
        const caller = callerOf(ctx);
        const user = await this.repo.users.byId(caller.id);
        if (!user) throw new NotFoundError("user", caller.id);
        // A guess at the current password is a failed login of the account (a stolen access
        // token must not buy unlimited guesses), counted before bcrypt like a login's.
        const { email, password_hash: currentHash } = user;
        const wait = await this.unitOfWork.run(ctx, { autocommit: true }, (work) => this.repo.loginLimit.attempt(work, email));
        if (wait > 0) throw tooManyFailures(wait);
        if (!(await this.hasher.compare(ctx.params.current_password, currentHash))) {
          throw fieldError("current_password", "the current password is wrong", "wrongPassword");
        }
        // The right one: a success without a device token, which starts the account-wide count again.
        await this.unitOfWork.run(ctx, { autocommit: true }, (work) => this.repo.loginLimit.clear(work, emailKey(email)));
        const password_hash = await this.hasher.hash(ctx.params.new_password);
        // Every other session ends with the old password: a thief's session does not outlive it.
        const ended = await this.unitOfWork.run(ctx, async (work) => {
          await this.repo.users.setPasswordHash(work, caller.id, password_hash);
          work.publish("user.passwordChanged", { actor_id: caller.id, user_id: caller.id });
          return this.endSessionsIn(work, caller.id, caller.id, { except: ctx.meta.sessionId }, "password_changed");
        });
        if (ended.length > 0) await this.forgetSessions(caller.id);
        ctx.meta.$statusCode = 204;
        return null;
      },
    },

    createAdmin: {
      access: ["admin"],
      retryPolicy: NO_RETRY,
      params: { email: emailParam, password: passwordParam, first_name: nameParam, last_name: nameParam },
      async handler(this: UsersThis, ctx: Ctx<"createAdmin">): Promise<ActionResult<"users.createAdmin">> {
        assertPasswordFits("password", ctx.params.password);
        const password_hash = await this.hasher.hash(ctx.params.password);
        const user = await this.unitOfWork.run(ctx, async (work) => {
          const row = await this.repo.users.insert(
            { email: ctx.params.email, password_hash, first_name: ctx.params.first_name, last_name: ctx.params.last_name, role: "admin", is_approved: true },
            work,
          );
          if (!row) throw emailTaken();
          work.publish("user.created", { actor_id: callerOf(ctx).id, user: toUser(row) });
          return toUser(row);
        });
        ctx.meta.$statusCode = 201;
        ctx.meta.$location = `/api/v1/user/users/${user.id}`;
        return user;
      },
    },

    /**
     * One user: where the Location of a signup or a create-admin points, and the console's
     * person pages. An admin reads anyone, an agent customers, a customer themselves (mayReadUser).
     */
    getUser: {
      access: ["admin", "agent", "customer"],
      params: { id: idParam },
      async handler(this: UsersThis, ctx: Ctx<"byId">): Promise<ActionResult<"users.getUser">> {
        const caller = callerOf(ctx);
        // A customer asking for someone else learns nothing, not even whether the id exists.
        const row = caller.role === "customer" && caller.id !== ctx.params.id ? null : await this.repo.users.byId(ctx.params.id);
        const verdict = mayReadUser(caller, ctx.params.id, row);
        if (verdict === "forbidden") throw new ForbiddenError(caller.role === "agent" ? "agents read customers' accounts only" : "customers read their own account only");
        if (verdict === "not-found" || !row) throw new NotFoundError("user", ctx.params.id);
        return toUser(row);
      },
    },

    /**
     * Staff finding people: `q` anywhere in "first last" or the email, in any case (the
     * trigram indexes of migration 0005). Admins find every role; agents, the customers
     * they act for (as list-agents shows them).
     */
    search: {
      access: ["admin", "agent"],
      params: { ...pageParams, q: { type: "string", trim: true, min: USER_SEARCH_MIN, max: 254 } },
      async handler(this: UsersThis, ctx: Ctx<"search">): Promise<ActionResult<"users.search">> {
        const window = pageWindow(ctx.params);
        const role = callerOf(ctx).role === "admin" ? undefined : "customer";
        // Emails are kept NFC-normalised (identity-params.ts): so is what is looked for in them.
        const { rows, total } = await this.repo.users.search(ctx.params.q.normalize("NFC"), role, window);
        return toPage(rows.map(toUser), total, window);
      },
    },

    /** An admin's unlock: the account's failed-login counts, account-wide and every device's. */
    clearLoginFailures: {
      access: ["admin"],
      params: { user_id: idParam },
      async handler(this: UsersThis, ctx: Ctx<"clearLoginFailures">): Promise<null> {
        const row = await this.repo.users.byId(ctx.params.user_id);
        if (!row) throw new NotFoundError("user", ctx.params.user_id);
        await this.unitOfWork.run(ctx, { autocommit: true }, (work) => this.repo.loginLimit.clearAccount(work, row.id, row.email));
        ctx.meta.$statusCode = 204;
        return null;
      },
    },

    listCustomers: {
      access: ["admin", "agent"],
      params: { ...pageParams },
      handler(this: UsersThis, ctx: Ctx<"listCustomers">): Promise<ActionResult<"users.listCustomers">> {
        return this.listWhere({ role: "customer" }, ctx.params);
      },
    },

    listUsers: {
      access: ["admin"],
      params: { ...pageParams, role: { type: "enum", values: ["admin", "agent", "customer"], optional: true } },
      handler(this: UsersThis, ctx: Ctx<"listUsers">): Promise<ActionResult<"users.listUsers">> {
        return this.listWhere(ctx.params.role ? { role: ctx.params.role } : {}, ctx.params);
      },
    },

    listApprovals: {
      access: ["admin"],
      params: { ...pageParams },
      handler(this: UsersThis, ctx: Ctx<"listApprovals">): Promise<ActionResult<"users.listApprovals">> {
        return this.listWhere({ role: "agent", is_approved: false }, ctx.params);
      },
    },

    approveAgent: {
      access: ["admin"],
      // `lending_limit`: the agent's lending limit, carried to the loans service by agent.approved.
      params: { id: idParam, lending_limit: { ...moneyParam, optional: true } },
      async handler(this: UsersThis, ctx: AppContext<ActionParams<"users.approveAgent">>): Promise<ActionResult<"users.approveAgent">> {
        // The validator's `optional` lets null through: null means "not sent".
        const lending_limit = ctx.params.lending_limit === undefined || ctx.params.lending_limit === null ? null : parseMoney("lending_limit", ctx.params.lending_limit);
        const agent = await this.findRole(ctx.params.id, "agent");
        if (agent.is_approved) return toUser(agent);
        const user = await this.unitOfWork.run(ctx, async (work) => {
          const approved = await this.repo.users.approve(work, agent.id);
          if (approved) work.publish("agent.approved", { actor_id: callerOf(ctx).id, user: toUser(approved), lending_limit });
          // None: approved (or deleted) meanwhile by another admin, whose write published its event.
          const now = approved ?? (await this.repo.users.byId(agent.id, work));
          if (!now) throw new NotFoundError("agent", agent.id);
          return toUser(now);
        });
        await this.clearCache();
        return user;
      },
    },

    deleteAgent: {
      access: ["admin"],
      retryPolicy: NO_RETRY,
      params: { id: idParam },
      async handler(this: UsersThis, ctx: Ctx<"byId">): Promise<null> {
        const agent = await this.findRole(ctx.params.id, "agent");
        await this.unitOfWork.run(ctx, async (work) => {
          // Ended first, so the audit log says which sessions went (their rows go with the user).
          await this.endSessionsIn(work, callerOf(ctx).id, ctx.params.id, {}, "user_deleted");
          await this.repo.users.remove(work, agent.id);
          work.publish("user.deleted", { actor_id: callerOf(ctx).id, user: toUser(agent) });
        });
        // Its tokens stop working at once: the gateway resolves every token through `resolve`.
        await this.clearCache();
        ctx.meta.$statusCode = 204;
        return null;
      },
    },
  },

  events: {
    // moleculer-db's clearCache() broadcasts this: every users instance drops its cache.
    "cache.clean.users"(this: UsersThis) {
      return this.broker.cacher?.clean("users.**");
    },
  },

  methods: {
    async findRole(this: UsersThis, id: number, role: Role): Promise<UserRow> {
      const user = await this.repo.users.withRole(id, role);
      if (!user) throw new NotFoundError(role, id);
      return user;
    },

    async listWhere(this: UsersThis, filter: UserFilter, params: { page?: number; pageSize?: number }): Promise<Page<User>> {
      const window = pageWindow(params);
      const { rows, total } = await this.repo.users.page(filter, window);
      return toPage(rows.map(toUser), total, window);
    },

    /** ADMIN_EMAIL / ADMIN_PASSWORD: the first admin, made once when none exists. */
    async bootstrapAdmin(this: UsersThis): Promise<void> {
      const admin = this.config.admin;
      if (await this.repo.users.anyWithRole("admin")) return;
      if (!admin) {
        // Without an admin nobody can approve agents or decide loans: say how to make one.
        this.logger.warn("no admin yet: start once with ADMIN_EMAIL and ADMIN_PASSWORD set to create the first one");
        return;
      }
      const created = await this.repo.users.insert({
        email: normaliseEmail(admin.email),
        password_hash: await this.hasher.hash(admin.password),
        first_name: "Admin",
        last_name: "Bootstrap",
        role: "admin",
        is_approved: true,
      });
      // Null: another instance starting at the same moment made it first.
      if (created) this.logger.info(`bootstrap admin ${admin.email} created`);
    },
  },

  created(this: UsersThis) {
    this.config = configOf(this);
    this.tokens = new TokenService(resolveJwtSecrets(this.config), this.config.jwtExpiresIn);
    this.hasher = new PasswordHasher(this.config.bcryptRounds);
    this.devices = new DeviceTokens(resolveJwtSecrets(this.config));
  },

  async started(this: UsersThis) {
    // The database is connected by now (moleculer-db's own `started` ran first).
    const lifetimes = { refreshSeconds: this.config.refreshExpiresIn, maxAgeSeconds: this.config.sessionMaxAge };
    this.repo = usersRepository(this.adapter.db, lifetimes, (err) => this.logger.debug("session last_used_at not written:", err));
    this.pruneTimer = setInterval(() => {
      Promise.all([this.repo.loginLimit.prune(), this.repo.sessions.prune(SESSION_KEEP_SECONDS)]).catch((err: unknown) => this.logger.debug("pruning paused:", err));
    }, LOGIN_FAILURE_WINDOW_SECONDS * 1000);
    this.pruneTimer.unref();
    this.dummyHash = await this.hasher.hash("not a password of anyone");
    await this.bootstrapAdmin();
  },

  async stopped(this: UsersThis) {
    clearInterval(this.pruneTimer);
    await this.hasher.close();
  },
});

export default UsersService;
