import type { Command } from 'commander';
import type { Role } from '../auth/token-service';
import { parseRole } from './arguments';
import { withDatabase } from './open-runtime';

/** `parley tokens create | list | revoke`. */
export function addTokenCommands(program: Command): void {
  const tokens = program.command('tokens').description('manage moderator and admin API tokens');
  tokens
    .command('create')
    .description('create a token and print it (it is shown only once)')
    .requiredOption('--role <role>', 'admin | moderator', parseRole)
    .option('--site <key>', 'limit the token to one site')
    .option('--label <label>', 'a note on who or what the token is for')
    .option('--json', 'print the token as one JSON object')
    .action((opts: { role: Role; site?: string; label?: string; json?: boolean }) =>
      withDatabase(async (runtime) => {
        if (opts.site && !(await runtime.siteRepository.find(opts.site)))
          throw new Error(`no site with key ${opts.site}`);
        const { token, record } = await runtime.tokenService.create({
          role: opts.role,
          siteKey: opts.site,
          label: opts.label,
        });
        if (opts.json) console.log(JSON.stringify({ ...record, token }));
        else
          console.log(
            `Created ${record.role} token ${record.id}${record.siteKey ? ` for ${record.siteKey}` : ''}. Keep it safe; it is not shown again:\n${token}`,
          );
      }),
    );
  tokens
    .command('list')
    .description('list the tokens (never their secrets)')
    .option('--json', 'print the tokens as one JSON object')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (runtime) => {
        const list = await runtime.tokenService.list();
        if (opts.json) console.log(JSON.stringify({ tokens: list }));
        else
          for (const t of list)
            console.log(
              `${t.id}\t${t.role}\t${t.siteKey ?? '(all sites)'}\t${t.revokedAt ? 'revoked' : 'active'}\t${t.label ?? ''}`,
            );
      }),
    );
  tokens
    .command('revoke')
    .description('revoke a token by its id (tok_...)')
    .argument('<id>', 'the token id')
    .action((id: string) =>
      withDatabase(async (runtime) => {
        if (!(await runtime.tokenService.revoke(id))) throw new Error(`no active token with id ${id}`);
        console.log(`Revoked ${id}`);
      }),
    );
}
