/**
 * The package's library entry (`require('mail-autoconf')`): the CLI as a function and the config
 * loader, for tools that embed the admin commands or check a config directory themselves. The
 * command line is the main interface; see the README.
 */
export { run } from './cli/run';
export type { CliIo, CliStream } from './cli/io';
export { EXIT } from './cli/exit-codes';
// The catalog's loader: the config's settings plus the checks that span it (DNS, signing key).
export {
  loadCatalogDir as loadConfigDir,
  type CatalogConfig as LoadedConfig,
  type CatalogResult as LoadResult,
} from './catalog/load';
export { formatProblem, type ConfigProblem } from './config/problems';
export { configJsonSchema } from './config/schema';
export { packageVersion as version } from './package-dir';
