/**
 * The validator rules of the fields that say who someone is: emails and names. Characters
 * that let one string pass for another or reorder what is shown are refused (422 naming the
 * field): controls (C0, DEL, C1), zero-width ones (U+200B–U+200D, U+2060, U+FEFF) and the
 * bidirectional marks, embeddings, overrides and isolates (U+200E/F, U+061C, U+202A–U+202E,
 * U+2066–U+2069). `car\u200bol@…` is not `carol@…`, and a name with U+202E shows reversed.
 * Emails are stored NFC-normalised, so é typed as one code point or as e + U+0301 is one account.
 */
import { normaliseEmail } from "./login-limit.js";

/** The refused characters, as a character-class body (documented as is in the OpenAPI pattern). */
const HIDDEN = "\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u202a-\\u202e\\u2060\\u2066-\\u2069\\ufeff";
const NAME = new RegExp(`^[^${HIDDEN}]*$`);
const EMAIL = new RegExp(`^[^\\s@${HIDDEN}]+@[^\\s@${HIDDEN}]+\\.[^\\s@${HIDDEN}]+$`);

/** NFC, after the validator trimmed and lower-cased the value (fastest-validator's `custom` runs last). */
function nfcEmail(value: unknown): unknown {
  return typeof value === "string" ? normaliseEmail(value) : value;
}

export const nameParam = {
  type: "string",
  trim: true,
  min: 1,
  max: 100,
  pattern: NAME,
  messages: { stringPattern: "The '{field}' field must not contain control, zero-width or bidirectional-control characters." },
} as const;

export const emailParam = {
  type: "string",
  trim: true,
  lowercase: true,
  min: 3,
  max: 254,
  pattern: EMAIL,
  custom: nfcEmail,
  messages: { stringPattern: "The '{field}' field must be an email address, without control, zero-width or bidirectional-control characters." },
} as const;
