/**
 * The package's library entry (`require('mail-autoconf')`): the CLI as a function and the config
 * loader, for tools that embed the admin commands or check a config directory themselves. The
 * command line is the main interface; see the README.
 */
export { run } from './cli/run';
export type { CliIo, CliStream } from './cli/io';
export { EXIT } from './cli/exit-codes';
export { loadConfigDir, type LoadedConfig, type LoadResult } from './config/load';
export { formatProblem, type ConfigProblem } from './config/problems';
export { configJsonSchema } from './config/schema';
export { packageVersion as version } from './package-dir';
