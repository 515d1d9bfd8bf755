/** fastest-validator rules used by more than one action. */
import { PASSWORD_MAX, PASSWORD_MIN } from "../../sdk/contracts.js";

/** The largest SERIAL id: a larger one names no row, and PostgreSQL refuses it as an INTEGER parameter. */
export const ID_MAX = 2_147_483_647;
export const idParam = { type: "number", integer: true, positive: true, max: ID_MAX, convert: true } as const;
// No control characters (a NUL would be stored changed) and no spaces in an address: matching
// control characters is these patterns' purpose.
/* eslint-disable no-control-regex */
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
const EMAIL = /^[^\s@\u0000-\u001f\u007f]+@[^\s@\u0000-\u001f\u007f]+\.[^\s@\u0000-\u001f\u007f]+$/;
/* eslint-enable no-control-regex */

export const passwordParam = { type: "string", min: PASSWORD_MIN, max: PASSWORD_MAX } as const;
export const nameParam = { type: "string", trim: true, min: 1, max: 100, pattern: NO_CONTROL, messages: { stringPattern: "The '{field}' field must not contain control characters." } } as const;
export const emailParam = { type: "string", trim: true, lowercase: true, min: 3, max: 254, pattern: EMAIL, messages: { stringPattern: "The '{field}' field must be an email address." } } as const;

/** bcrypt uses the first 72 bytes only: a password longer than that in UTF-8 is refused. */
export function passwordFits(password: string): boolean {
  return Buffer.byteLength(password, "utf8") <= PASSWORD_MAX;
}

/** A calendar date YYYY-MM-DD, optional; whether it is a real date is checked where it is used. */
/** Why a money change was made (a reversal, a waiver, a write-off), for the audit log. */
export const reasonParam = { type: "string", trim: true, min: 1, max: 500, pattern: NO_CONTROL, messages: { stringPattern: "The '{field}' field must not contain control characters." } } as const;
export const dateParam = { type: "string", optional: true, pattern: /^\d{4}-\d{2}-\d{2}$/, messages: { stringPattern: "The '{field}' field must be a calendar date YYYY-MM-DD." } } as const;
