import { Errors } from "moleculer";
import { toErrorBody } from "../../services/api/http-errors.js";

describe("gateway error bodies", () => {
  test("body-parser's errors become 400 and 413 in the API's shape", () => {
    expect(toErrorBody({ type: "entity.parse.failed", status: 400, message: "Unexpected token" })).toMatchObject({ code: 400, type: "INVALID_JSON" });
    expect(toErrorBody({ type: "entity.too.large", status: 413 })).toMatchObject({ code: 413, type: "PAYLOAD_TOO_LARGE" });
  });

  test("a service that is not there is a 503", () => {
    expect(toErrorBody(new Errors.ServiceNotAvailableError({ action: "loans.request" }))).toMatchObject({ code: 503, type: "SERVICE_UNAVAILABLE" });
    expect(toErrorBody(new Errors.RequestTimeoutError({ action: "loans.request", nodeID: "n1" }))).toMatchObject({ code: 503 });
  });

  test("validation errors list the fields without the rejected values", () => {
    const err = new Errors.ValidationError("Parameters validation error!", "VALIDATION_ERROR", [{ type: "stringMin", field: "password", message: "too short", actual: "secret1" }]);
    const body = toErrorBody(err);
    expect(body).toEqual({
      name: "ValidationError",
      message: "Parameters validation error!",
      code: 422,
      type: "VALIDATION_ERROR",
      data: [{ field: "password", message: "too short", type: "stringMin" }],
    });
    expect(JSON.stringify(body)).not.toContain("secret1");
  });

  test("anything unexpected is a bare 500 that tells nothing of the inside", () => {
    const body = toErrorBody(new Error('relation "users" does not exist'));
    expect(body).toEqual({ name: "InternalServerError", message: "Internal server error", code: 500, type: "INTERNAL_ERROR" });
  });
});
