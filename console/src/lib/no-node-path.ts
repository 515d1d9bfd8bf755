/**
 * The browser's stand-in for node:path. services/shared/config.ts imports it for loadConfig,
 * which the console never calls (it only reads the default rate table through loan-math).
 */
export default {};
