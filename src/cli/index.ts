import { Command } from 'commander';
import { addMailCommands } from './mail';
import { addImportCommands } from './imports';
import { addModelCommands } from './model';
import { addPrivacyCommands } from './privacy';
import { addServeCommands } from './serve';
import { addSiteCommands } from './sites';
import { addTokenCommands } from './tokens';

/** The `parley` command. Groups are added with `program.command()`, so they inherit the error output set here. */
export function buildCli(): Command {
  const program = new Command('parley')
    .description('Parley: self-hosted comments with a moderation pipeline')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (text, write) => write(text) });
  // The order here is the order of `parley --help`.
  addServeCommands(program);
  addSiteCommands(program);
  addModelCommands(program);
  addTokenCommands(program);
  addMailCommands(program);
  addImportCommands(program);
  addPrivacyCommands(program);
  return program;
}
