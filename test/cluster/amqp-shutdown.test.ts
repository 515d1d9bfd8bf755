/**
 * A broker over RabbitMQ stopping while something still sends: between asking RabbitMQ to
 * close the channel and its answer, amqplib throws on every use of the channel. A heartbeat
 * that was measuring the CPU when the stop began, or an action answering late, used to
 * throw there, outside any handler, and the node exited with code 1 after SIGTERM. These
 * tests send at exactly that moment, from inside the channel's close.
 */
import crypto from "node:crypto";
import { ServiceBroker, type BrokerOptions } from "moleculer";
import { AmqpTransporter } from "../../services/shared/amqp-transporter.js";
import { describeCluster } from "../support/cluster.js";

interface Channel {
  close(): Promise<void>;
}

/** Runs `during` once the broker's stop has asked RabbitMQ to close the channel. */
function whileClosing(transporter: AmqpTransporter, during: () => void): void {
  const channel = transporter.channel as Channel;
  const close = channel.close.bind(channel);
  channel.close = () => {
    const closed = close();
    during();
    return closed;
  };
}

describeCluster("rabbitmq", "the AMQP transporter stopping", (url) => {
  const namespace = `lstest-amqp-${crypto.randomBytes(4).toString("hex")}`;
  let brokers: ServiceBroker[] = [];

  function broker(nodeID: string, options: BrokerOptions = {}): { broker: ServiceBroker; transporter: AmqpTransporter } {
    const transporter = new AmqpTransporter({ url });
    const b = new ServiceBroker({ namespace, nodeID: `${namespace}-${nodeID}`, logger: false, transporter, skipProcessEventRegistration: true, ...options });
    brokers.push(b);
    return { broker: b, transporter };
  }

  afterEach(async () => {
    await Promise.all(brokers.map((b) => b.stop()));
    brokers = [];
  });

  test("a heartbeat sent while the channel closes is dropped, not thrown", async () => {
    const { broker: node, transporter } = broker("beating");
    await node.start();
    let sent: Promise<void> | undefined;
    let thrown: unknown;
    whileClosing(transporter, () => {
      try {
        sent = node.registry.discoverer.sendHeartbeat();
      } catch (err) {
        thrown = err;
      }
    });
    await node.stop();
    expect(thrown).toBeUndefined();
    await expect(sent).resolves.toBeUndefined();
    // And the connection went too: nothing of this broker is left open.
    expect({ channel: transporter.channel, connection: transporter.connection }).toEqual({ channel: null, connection: null });
  });

  test("an action answering while the channel closes neither throws nor leaves the stop unfinished", async () => {
    // A shutdown timeout shorter than the action: the stop reaches the transporter while it runs.
    const { broker: worker, transporter } = broker("worker", { tracking: { enabled: true, shutdownTimeout: 50 } });
    let answer: (value: string) => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      worker.createService({
        name: "slow",
        actions: {
          go: () => {
            resolve();
            return new Promise<string>((r) => (answer = r));
          },
        },
      });
    });
    const { broker: caller } = broker("caller");
    await Promise.all([worker.start(), caller.start()]);
    await caller.waitForServices("slow", 10_000);
    const call = caller.call("slow.go", {}, { timeout: 5000, retries: 0 }).then(
      (value) => ({ value }),
      (err: Error) => ({ error: err.name }),
    );
    await started;
    whileClosing(transporter, () => answer("late"));
    await worker.stop();
    expect({ channel: transporter.channel, connection: transporter.connection }).toEqual({ channel: null, connection: null });
    // The answer could not leave the stopped node: the caller learns it is gone, or times out.
    expect(await call).toEqual({ error: expect.stringMatching(/RequestTimeoutError|RequestRejectedError|ServiceNotAvailableError/) });
  }, 20_000);
});
