import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './services';

export interface ReceivedMail {
  to: string[];
  /** The message as it came over the wire. */
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpReceiver {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** Mails to one address, in the order they came. */
  to(address: string): ReceivedMail[];
  /** Waits until `address` has received `count` mails in all (default 1). */
  waitFor(address: string, count?: number): Promise<ReceivedMail[]>;
  /** Stops listening (an outage); `start()` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A real SMTP server (the `smtp-server` package) that keeps what it receives, parsed with mailparser. */
export async function startSmtpReceiver(options: { port?: number } = {}): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = [];
  let server: SMTPServer | undefined;
  let port = options.port ?? 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = new SMTPServer({
        // Plain SMTP on loopback: no STARTTLS with a self-signed certificate, no login.
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            simpleParser(raw)
              .then((parsed) => {
                received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, parsed });
                callback();
              })
              .catch(callback);
          });
        },
      });
      s.on('error', () => undefined);
      s.listen(port, '127.0.0.1', () => {
        port = (s.server.address() as AddressInfo).port;
        server = s;
        resolve();
      });
      s.server.once('error', reject);
    });
  await listen();

  const to = (address: string) => received.filter((m) => m.to.includes(address));
  return {
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    received,
    to,
    waitFor: (address, count = 1) =>
      waitFor(async () => (to(address).length >= count ? to(address) : undefined), {
        timeoutMs: 20_000,
        what: `${count} mail(s) to ${address}`,
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        const s = server;
        server = undefined;
        if (!s) return resolve();
        s.close(() => resolve());
      }),
    start: listen,
  };
}
