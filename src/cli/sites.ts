import type { Command } from 'commander';
import { sitePolicyChangesSchema } from '../sites/policy-schema';
import type { ModerationPolicy } from '../sites/site-repository';
import { parseCount, parseModeration, parseOrigin, parseSetting } from './arguments';
import { withDatabase } from './open-runtime';

/** `parley sites create | list | update`. */
export function addSiteCommands(program: Command): void {
  const sites = program.command('sites').description('manage sites');
  sites
    .command('create')
    .description('create a site and print its key')
    .requiredOption('--name <name>', 'the site name shown to moderators')
    .requiredOption('--origin <url>', 'an origin allowed to embed the widget (repeatable)', parseOrigin)
    .option('--moderation <policy>', 'none | first-time | all', parseModeration, 'first-time')
    .option('--link-limit <n>', 'hold comments with more links than this', parseCount, 2)
    .option('--json', 'print the site as one JSON object')
    .action(
      (opts: { name: string; origin: string[]; moderation: ModerationPolicy; linkLimit: number; json?: boolean }) =>
        withDatabase(async (runtime) => {
          const site = await runtime.siteRepository.create({
            name: opts.name,
            origins: opts.origin,
            moderation: opts.moderation,
            linkLimit: opts.linkLimit,
          });
          if (opts.json) console.log(JSON.stringify(site));
          else console.log(`Created site "${site.name}" with key ${site.key} (moderation: ${site.moderation})`);
        }),
    );
  sites
    .command('list')
    .description('list the sites')
    .option('--json', 'print the sites as one JSON object')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (runtime) => {
        const list = await runtime.siteRepository.list();
        if (opts.json) console.log(JSON.stringify({ sites: list }));
        else if (list.length === 0) console.log('No sites yet: parley sites create --name N --origin URL');
        else for (const s of list) console.log(`${s.key}\t${s.name}\t${s.moderation}\t${s.origins.join(' ')}`);
      }),
    );

  sites
    .command('update')
    .description("change a site's settings; policy keys not given keep their values")
    .argument('<key>', 'the site key')
    .option('--name <name>', 'the site name')
    .option('--origin <url>', 'replace the allowed origins (repeatable)', parseOrigin)
    .option('--moderation <policy>', 'none | first-time | all', parseModeration)
    .option('--link-limit <n>', 'hold comments with more links than this', parseCount)
    .option(
      '--set <key=json>',
      'a policy setting, e.g. --set profanity=\'"reject"\' --set blockList=\'["casino"]\' (repeatable)',
      parseSetting,
      {},
    )
    .option('--json', 'print the site as one JSON object')
    .action(
      (
        key: string,
        opts: {
          name?: string;
          origin?: string[];
          moderation?: ModerationPolicy;
          linkLimit?: number;
          set: Record<string, unknown>;
          json?: boolean;
        },
      ) =>
        withDatabase(async (runtime) => {
          const policy = sitePolicyChangesSchema.safeParse(opts.set);
          if (!policy.success) {
            const issue = policy.error.issues[0];
            throw new Error(`--set ${issue.path.join('.') || ''}: ${issue.message}`);
          }
          const site = await runtime.siteRepository.update(key, {
            name: opts.name,
            origins: opts.origin,
            moderation: opts.moderation,
            linkLimit: opts.linkLimit,
            policy: policy.data,
          });
          if (!site) throw new Error(`no site with key ${key}`);
          if (opts.json) console.log(JSON.stringify(site));
          else
            console.log(
              `Updated site ${site.key}: ${JSON.stringify({ moderation: site.moderation, linkLimit: site.linkLimit, ...site.policy })}`,
            );
        }),
    );
}
