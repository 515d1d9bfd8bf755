/**
 * Run before each test file (setupFilesAfterEnv): at the end of the file, whatever a
 * set-up that gave up was still opening is awaited and closed (open-resources.ts). Each one
 * is reported, since a set-up that needs this has failed or timed out.
 */
import { closeAbandonedOpenings } from "./open-resources.js";

afterAll(() => closeAbandonedOpenings((what) => console.warn(`${what} was still being opened when the file ended (a set-up failed or timed out); closing it`)), 120_000);
