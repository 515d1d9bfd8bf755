/**
 * What an API error says to the person at the screen, and which form field it belongs to
 * (a 422 names the fields in its data).
 */
import { LoanApiError, ValidationError } from "../../../sdk/index.js";

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function messageOf(error: unknown): string {
  if (!(error instanceof LoanApiError)) return error instanceof Error ? error.message : String(error);
  switch (error.kind) {
    case "conflict":
      return `${capitalised(error.message)}. Someone else changed it meanwhile: the page now shows its current state.`;
    case "connection":
    case "timeout":
      return "Cannot reach the loanstack server: check your connection and try again.";
    case "rate_limited":
      return `Too many attempts: try again in ${Math.ceil(error.retryAfter ?? 60)} seconds.`;
    case "unavailable":
      return "A loanstack service is not available right now: try again shortly.";
    case "forbidden":
      return `Not allowed: ${error.message}`;
    case "not_found":
      return "Not found: it does not exist, or no longer does.";
    default:
      return capitalised(error.message);
  }
}

/** The 422's messages by the form's own field names (`fieldOf` maps API names to them). */
export function fieldErrorsOf(error: unknown, fieldOf: Record<string, string> = {}): Record<string, string> {
  if (!(error instanceof ValidationError)) return {};
  const errors: Record<string, string> = {};
  for (const { field, message } of error.fields) {
    const name = fieldOf[field] ?? field;
    errors[name] ??= capitalised(message);
  }
  return errors;
}

export function isConflict(error: unknown): boolean {
  return error instanceof LoanApiError && error.kind === "conflict";
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof LoanApiError && error.kind === "unauthorized";
}
