#!/usr/bin/env node
import { buildCli } from './cli';
import { ConfigError } from './config';

buildCli()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    // Configuration and usage problems are the user's to fix: one clear message, no stack.
    console.error(err instanceof ConfigError ? err.message : `parley: ${(err as Error).message}`);
    process.exit(1);
  });
