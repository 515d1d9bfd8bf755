/** fastest-validator rules used by more than one action. */
import { PASSWORD_MAX, PASSWORD_MIN } from "../../sdk/contracts.js";

export const idParam = { type: "number", integer: true, positive: true, convert: true } as const;
export const passwordParam = { type: "string", min: PASSWORD_MIN, max: PASSWORD_MAX } as const;
export const nameParam = { type: "string", trim: true, min: 1, max: 100 } as const;
export const emailParam = { type: "email", max: 254, normalize: true } as const;
