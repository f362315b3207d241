import type { Command } from 'commander';
import type { ProcessRole } from '../serve';
import { withDatabase } from './open-runtime';

// The roles' code (HTTP, queues, workers) is loaded when a role starts, not for every command.
const run = async (role: ProcessRole) => (await import('../serve')).serve(role);

/** `parley start | api | worker`, which run Parley, and `parley migrate`, which readies the database for them. */
export function addServeCommands(program: Command): void {
  program
    .command('start')
    .description('run the API and all workers in one process')
    .action(() => run('all'));
  program
    .command('api')
    .description('run the HTTP API only (scale out behind a load balancer)')
    .action(() => run('api'));
  program
    .command('worker')
    .description('run the queue workers only (scale out on more machines)')
    .action(() => run('worker'));
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(() =>
      // Opening the database migrates it.
      withDatabase(async () => {
        console.log('database is up to date');
      }),
    );
}
