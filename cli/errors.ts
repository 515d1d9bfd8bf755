/**
 * How loanctl fails: one clear line on stderr and an exit status a script can test.
 *
 *   0  success
 *   1  the request failed (refused by the API, conflict, not found, some import rows failed, ...)
 *   2  usage error (bad or missing arguments, confirmation needed but no --yes)
 *   3  the API could not be reached (connection refused, timeout)
 *   4  not signed in, or the session expired
 *   130 interrupted (Ctrl-C at a prompt)
 */
import { LoanApiError, ValidationError } from "../sdk/errors.js";

export const EXIT = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  UNREACHABLE: 3,
  AUTH: 4,
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that loanctl reports as is, with its exit status. */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAILED,
    /** Printed without the "error:" label: the run ended as the user chose, nothing went wrong. */
    readonly plain = false,
  ) {
    super(message);
  }
}

/** The user answered no to a confirmation: exit 1, and "cancelled" is all there is to say. */
export function cancelled(): CliError {
  return new CliError("cancelled", EXIT.FAILED, true);
}

export function usageError(message: string): CliError {
  return new CliError(message, EXIT.USAGE);
}

export const NOT_LOGGED_IN = "not logged in: run `loanctl login` first";

/** The one line and the exit status for an error of the SDK. */
export function describeApiError(error: LoanApiError, context: { apiUrl: string; hadToken: boolean; /** "ana@example.com (agent)" */ who?: string }): CliError {
  switch (error.kind) {
    case "connection":
      return new CliError(`cannot reach the API at ${context.apiUrl} (${codeOf(error) ?? error.message}); is the gateway running? ` + "Set --api-url or LOANCTL_API_URL", EXIT.UNREACHABLE);
    case "timeout":
      return new CliError(`the API at ${context.apiUrl} did not answer in time`, EXIT.UNREACHABLE);
    case "aborted":
      return new CliError("interrupted", EXIT.INTERRUPTED);
    case "unauthorized":
      if (context.hadToken && !isLoginPath(error.path)) {
        return new CliError(`${error.message}: your session has expired or was revoked; run \`loanctl login\``, EXIT.AUTH);
      }
      return new CliError(context.hadToken || isLoginPath(error.path) ? error.message : `${error.message}: ${NOT_LOGGED_IN}`, EXIT.AUTH);
    case "validation": {
      const fields = error instanceof ValidationError ? error.fields : [];
      const detail = fields.map((f) => (f.message ? f.message : f.field)).join("; ");
      return new CliError(detail && !error.message.includes(detail) ? `${error.message}: ${detail}` : error.message);
    }
    case "forbidden":
      return new CliError(context.who && !isLoginPath(error.path) ? `${error.message} (HTTP 403): not allowed for ${context.who}` : `${error.message} (HTTP 403)`);
    case "rate_limited":
      return new CliError(error.retryAfter !== undefined ? `${error.message}; try again in ${Math.ceil(error.retryAfter)} s` : error.message);
    default: {
      const status = error.status !== undefined ? ` (HTTP ${error.status})` : "";
      return new CliError(`${error.message}${status}`);
    }
  }
}

function isLoginPath(path: string | undefined): boolean {
  return path === "/api/v1/user/login" || path === "/api/user/login";
}

function codeOf(error: LoanApiError): string | undefined {
  return "code" in error && typeof error.code === "string" ? error.code : undefined;
}
