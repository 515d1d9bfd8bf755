/**
 * What every command needs: the global options, the API URL, the stored login, an SDK
 * client, the output and the prompts of this run.
 */
import type { Command } from "commander";
import { DEFAULT_BASE_URL, LoanClient, type LoanClientOptions } from "../sdk/index.js";
import { CredentialStore, canRefresh, credentialsOf, isExpired, withFileLock, type StoredCredentials } from "./credentials.js";
import { CliError, EXIT, NOT_LOGGED_IN, usageError } from "./errors.js";
import { type NameOf, UserNames, bareId } from "./names.js";
import { Output, type OutStream } from "./output.js";
import { type InStream, Prompter } from "./prompts.js";
import { userAgent } from "./version.js";

export interface Io {
  stdin: InStream;
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
}

export interface GlobalOptions {
  apiUrl?: string;
  json?: boolean;
  debug?: boolean;
  color?: boolean;
  passwordStdin?: boolean;
}

export function normalizeUrl(url: string): string {
  return url.trim().replace(/\/+$/, "");
}

export class Context {
  readonly out: Output;
  readonly store: CredentialStore;
  readonly apiUrl: string;
  readonly json: boolean;
  readonly debug: boolean;
  private prompter: Prompter | undefined;
  private userNames: UserNames | undefined;
  private readonly stored: StoredCredentials | undefined;

  constructor(
    readonly io: Io,
    readonly options: GlobalOptions,
  ) {
    this.json = options.json === true;
    this.debug = options.debug === true;
    this.out = new Output(io.stdout, io.stderr, this.json, io.env, options.color);
    this.store = new CredentialStore(io.env);
    this.stored = this.store.load();
    const explicit = options.apiUrl ?? (io.env.LOANCTL_API_URL || undefined);
    this.apiUrl = normalizeUrl(explicit ?? this.stored?.apiUrl ?? DEFAULT_BASE_URL);
    if (!/^https?:\/\/[^/]/.test(this.apiUrl)) {
      throw usageError(`the API URL must start with http:// or https://, got "${this.apiUrl}"`);
    }
  }

  /** The stored login when it belongs to this API URL (a token is never sent to another server). */
  get credentials(): StoredCredentials | undefined {
    const stored = this.stored;
    if (!stored || normalizeUrl(stored.apiUrl) !== this.apiUrl) return undefined;
    return stored;
  }

  /** The stored login, still valid (or renewable with its refresh token); else a "not logged in" error. */
  requireLogin(): StoredCredentials {
    const credentials = this.credentials;
    if (!credentials) {
      if (this.stored) {
        throw new CliError(`not logged in to ${this.apiUrl} (logged in to ${this.stored.apiUrl}): run \`loanctl login\``, EXIT.AUTH);
      }
      throw new CliError(NOT_LOGGED_IN, EXIT.AUTH);
    }
    if (isExpired(credentials) && !canRefresh(credentials)) throw new CliError("your session has expired: run `loanctl login`", EXIT.AUTH);
    return credentials;
  }

  /**
   * A client of the API; with the stored tokens unless `auth` is false. It renews an expired
   * token silently with the refresh token, and keeps the new pair in the credentials file.
   */
  client(auth = true, options: LoanClientOptions = {}): LoanClient {
    const debug = this.debug ? (line: string) => void this.io.stderr.write(`debug: ${line}\n`) : undefined;
    const headers = { "user-agent": userAgent(), ...options.headers };
    // Without auth (signup, login, the seed's demo logins) nothing is read from or kept in the file.
    if (!auth) return new LoanClient({ baseUrl: this.apiUrl, debug, ...options, headers });
    const stored = this.requireLogin();
    return new LoanClient({
      baseUrl: this.apiUrl,
      token: stored.token,
      refreshToken: canRefresh(stored) ? stored.refreshToken : undefined,
      // Another loanctl may have refreshed (and spent the token this one holds) since it started.
      reloadTokens: () => {
        const now = this.store.load();
        return now && normalizeUrl(now.apiUrl) === this.apiUrl && now.user.id === stored.user.id ? now : undefined;
      },
      lockRefresh: (renew) => withFileLock(`${this.store.file}.lock`, renew),
      onTokens: (tokens) => this.store.save(credentialsOf(this.apiUrl, tokens)),
      debug,
      ...options,
      headers,
    });
  }

  /**
   * How this command shows user ids: with their names, each looked up once for the whole
   * command (names.ts); a failed lookup shows the bare id. Under --json nothing is looked up.
   */
  async namesOf(ids: Iterable<number | null | undefined>): Promise<NameOf> {
    if (this.json) return bareId;
    if (!this.userNames) {
      let client: LoanClient;
      try {
        client = this.client();
      } catch {
        return bareId;
      }
      // One try each: a name is not worth a retry's wait.
      this.userNames = new UserNames((id) => client.getUser(id, { maxRetries: 0 }));
    }
    return this.userNames.resolve(ids);
  }

  /** The options of the command being run (with the global ones). */
  opts<T extends object>(): T & GlobalOptions {
    return this.options as T & GlobalOptions;
  }

  get prompts(): Prompter {
    this.prompter ??= new Prompter({ stdin: this.io.stdin, stderr: this.io.stderr }, this.options.passwordStdin === true);
    return this.prompter;
  }
}

/** The context of the command being run, built from its options and its parents'. */
export function contextOf(command: Command, io: Io): Context {
  return new Context(io, command.optsWithGlobals<GlobalOptions>());
}
