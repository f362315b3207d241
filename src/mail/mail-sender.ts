import nodemailer, { type Transporter } from 'nodemailer';
import type { MailContent } from './templates';

/** What one attempt to send got from the SMTP server. */
export type SendResult = { ok: true; answer: string } | { ok: false; answer: string };

export interface OutgoingMail extends MailContent {
  to: string;
  headers?: Record<string, string>;
}

/** SMTP through nodemailer: `smtp://` (STARTTLS when the server offers it) or `smtps://`. */
export class MailSender {
  private readonly transport: Transporter;

  constructor(private readonly options: { smtpUrl: string; from: string; timeoutMs?: number }) {
    const timeout = options.timeoutMs ?? 20_000;
    this.transport = nodemailer.createTransport({
      url: options.smtpUrl,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  /** Sends one mail; never throws for a refused or unreachable server, which the caller retries. */
  async send(mail: OutgoingMail): Promise<SendResult> {
    try {
      const info = await this.transport.sendMail({
        from: this.options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
      });
      return { ok: true, answer: String(info.response ?? '') };
    } catch (err) {
      const error = err as Error & { response?: string };
      return { ok: false, answer: (error.response ?? error.message).slice(0, 500) };
    }
  }

  close(): void {
    this.transport.close();
  }
}
