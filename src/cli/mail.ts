import type { Command } from 'commander';
import { testMail } from '../mail/templates';
import { withRuntime } from './open-runtime';

/** `parley mail test --to ADDRESS`: sends one test mail through the configured SMTP server and prints its answer. */
export function addMailCommands(program: Command): void {
  const mail = program.command('mail').description('outgoing mail');
  mail
    .command('test')
    .description('send a test mail through PARLEY_SMTP_URL and print the SMTP answer')
    .requiredOption('--to <address>', 'where to send it')
    .option('--json', 'print the result as one JSON object')
    .action((opts: { to: string; json?: boolean }) =>
      withRuntime(async (runtime) => {
        if (!runtime.mail) throw new Error('mail is off: set PARLEY_SMTP_URL (smtp://user:pass@host:587)');
        const result = await runtime.mail.sender.send({ to: opts.to, ...testMail() });
        if (opts.json) console.log(JSON.stringify(result));
        else console.log(result.ok ? `Sent. The SMTP server answered: ${result.answer}` : `Not sent: ${result.answer}`);
        if (!result.ok) process.exitCode = 1;
      }),
    );
}
