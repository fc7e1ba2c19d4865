/**
 * Command-line manners for the scripts: `--help`/`-h` prints the usage and exits 0, a wrong option
 * prints what is wrong and the usage and exits 2, never a stack trace.
 */
export function withUsage<T>(usage: string, parse: (args: string[]) => T, args = process.argv.slice(2)): T {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage.trim()}\n`);
    process.exit(0);
  }
  try {
    return parse(args);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n${usage.trim()}\n`);
      process.exit(2);
    }
    throw error;
  }
}
