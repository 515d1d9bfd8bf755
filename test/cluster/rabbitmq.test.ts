/** The distributed topology over RabbitMQ (127.0.0.1:5672, guest/guest, Moleculer's AMQP transporter); see transport-suite.ts. */
import { transportSuite } from "./transport-suite.js";

transportSuite("rabbitmq");
