/**
 * Moleculer's AMQP transporter (RabbitMQ) with a shutdown that cannot crash the process.
 *
 * Moleculer's own `disconnect` closes the channel while it is still the transporter's
 * channel. Until RabbitMQ confirms the close, amqplib throws on every use of it ("Channel
 * closing"), and Moleculer's `send` lets that throw out synchronously: a heartbeat that was
 * sampling the CPU (≈ 200 ms) when the shutdown began, or a late acknowledgement, then
 * throws where no handler catches it, and a node told to stop with SIGTERM exits with code 1
 * (seen in test/cluster/graceful-shutdown.test.ts, about 1 run in 15).
 *
 * Here the channel is let go before it is closed: from that moment the transporter behaves
 * as after a close — sends are dropped and acknowledgements skipped (Moleculer's own guards
 * on a missing channel), and RabbitMQ requeues what was not acknowledged. And `send` answers
 * a failure with a rejected promise, as its callers expect, never with a throw.
 */
import { Transporters } from "moleculer";

type Binding = [queue: string, exchange: string, pattern: string];

/** What of amqplib's channel and connection `disconnect` uses. */
interface ClosingChannel {
  unbindQueue(...binding: Binding): Promise<unknown>;
  close(): Promise<void>;
}
interface ClosingConnection {
  close(): Promise<void>;
}

export class AmqpTransporter extends Transporters.AMQP {
  override disconnect(): Promise<void> {
    this.connectionCount = 0;
    const channel = this.channel as ClosingChannel | null;
    const connection = this.connection as ClosingConnection | null;
    if (!connection) return Promise.resolve();
    const bindings = this.bindings as Binding[];
    // Unbound first, so that RabbitMQ no longer routes broadcasts to this node's queues.
    const unbound = channel ? Promise.all(bindings.map((binding) => channel.unbindQueue(...binding))) : Promise.resolve([]);
    return unbound
      .catch((err: unknown) => this.logger.warn("AMQP queues not unbound:", err))
      .then(() => {
        this.channelDisconnecting = this.transit.disconnecting;
        this.connectionDisconnecting = this.transit.disconnecting;
        this.channel = null;
      })
      .then(() => channel?.close())
      .then(() => connection.close())
      .then(() => {
        this.bindings = [];
        this.connection = null;
      })
      .catch((err: unknown) => this.logger.warn("AMQP disconnect:", err));
  }

  override send(topic: string, data: Buffer, meta: Record<string, unknown>): Promise<void> {
    try {
      return super.send(topic, data, meta);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }
}
