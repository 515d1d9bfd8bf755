/**
 * The named errors of the domain. All are client errors (Moleculer does not retry them)
 * and carry the HTTP status in `code`, which moleculer-web puts on the answer.
 */
import { Errors } from "moleculer";
import type { ValidationFieldError } from "../../sdk/contracts.js";

const { MoleculerClientError } = Errors;

export class NotFoundError extends MoleculerClientError {
  constructor(entity: string, id: number | string) {
    super(`${entity} ${id} not found`, 404, "NOT_FOUND", { entity, id });
  }
}

export class ConflictError extends MoleculerClientError {
  constructor(message: string, type: string, data?: Record<string, unknown>) {
    super(message, 409, type, data);
  }
}

export class ForbiddenError extends MoleculerClientError {
  constructor(message: string, type = "FORBIDDEN") {
    super(message, 403, type);
  }
}

export class UnauthorizedError extends MoleculerClientError {
  constructor(message: string, type = "UNAUTHORIZED") {
    super(message, 401, type);
  }
}

/** 422 with the failing fields in `data`, the same shape as the validator's errors. */
export class UnprocessableError extends MoleculerClientError {
  constructor(message: string, fields: ValidationFieldError[]) {
    super(message, 422, "VALIDATION_ERROR", fields);
  }
}

export function fieldError(field: string, message: string, type = "invalid"): UnprocessableError {
  return new UnprocessableError(message, [{ field, message, type }]);
}
