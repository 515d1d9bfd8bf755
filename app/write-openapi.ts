/**
 * `npm run openapi [-- FILE]`: writes the OpenAPI document (the one GET /api/v1/openapi.json
 * answers) to FILE, or to stdout, without starting anything — e.g. to generate a client.
 */
import fs from "node:fs";
import { documentFromCode } from "./openapi.js";

const text = `${JSON.stringify(documentFromCode(), null, 2)}\n`;
const file = process.argv[2];
if (file) fs.writeFileSync(file, text);
else process.stdout.write(text);
