import type { Command } from 'commander';
import type { Principal } from '../auth/token-service';
import { privacyExportRequestSchema } from '../privacy/privacy-service';
import { withRuntime } from './open-runtime';

/** Who the audit log names for a request made on the command line. */
const COMMAND_LINE: Principal = { id: 'cli', role: 'admin', siteKey: null, label: 'parley privacy' };

function address(email: string): string {
  const parsed = privacyExportRequestSchema.safeParse({ email });
  if (!parsed.success) throw new Error(`--email: expected an email address`);
  return parsed.data.email;
}

/** `parley privacy export | erase`: a person's right to their data, as the admin API offers it. */
export function addPrivacyCommands(program: Command): void {
  const privacy = program
    .command('privacy')
    .description("a person's data: everything stored about an email, or its erasure");
  privacy
    .command('export')
    .description('print everything stored about an email address, on every site (JSON)')
    .requiredOption('--email <address>', 'the address')
    .option('--json', 'one JSON object on one line (default: indented)')
    .action((opts: { email: string; json?: boolean }) =>
      withRuntime(async (runtime) => {
        const data = await runtime.privacyService.export(COMMAND_LINE, address(opts.email));
        console.log(JSON.stringify(data, null, opts.json ? undefined : 2));
      }),
    );
  privacy
    .command('erase')
    .description('erase everything stored about an email address: comments become tombstones (or are deleted)')
    .requiredOption('--email <address>', 'the address')
    .option('--delete', 'delete the comments instead of keeping tombstones in their threads')
    .option('--json', 'print what was erased as one JSON object')
    .action((opts: { email: string; delete?: boolean; json?: boolean }) =>
      withRuntime(async (runtime) => {
        const result = await runtime.privacyService.erase(COMMAND_LINE, {
          email: address(opts.email),
          comments: opts.delete ? 'delete' : 'tombstone',
        });
        if (opts.json) console.log(JSON.stringify(result));
        else
          console.log(
            `Erased: ${Object.entries(result.erased)
              .map(([name, n]) => `${n} ${name}`)
              .join(', ')} (comments ${result.comments === 'delete' ? 'deleted' : 'kept as tombstones'}).`,
          );
      }),
    );
}
