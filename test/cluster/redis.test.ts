/** The distributed topology over Redis (127.0.0.1:6379); see transport-suite.ts. */
import { transportSuite } from "./transport-suite.js";

transportSuite("redis");
