/** The distributed topology over NATS (127.0.0.1:4222); see transport-suite.ts. */
import { transportSuite } from "./transport-suite.js";

transportSuite("nats");
