/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Sources import "./x.js" (Node's ESM-style specifiers); Jest resolves them to the .ts files.
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  // The embedded PostgreSQL package is ESM-only: Jest's loader cannot import it, so the
  // server is started natively here and its URL handed to the tests through process.env.
  globalSetup: "<rootDir>/test/support/global-setup.mjs",
  globalTeardown: "<rootDir>/test/support/global-teardown.mjs",
  // Closes what a set-up that gave up (a timed-out or failed beforeAll) was still opening.
  setupFilesAfterEnv: ["<rootDir>/test/support/after-file.ts"],
  testTimeout: 30000,
  maxWorkers: 2,
};
