/**
 * The exit status of every command. Scripts and supervisors branch on these, so they mean the
 * same in every command and are listed in `--help`.
 */
export const EXIT = {
  ok: 0,
  /** The config is invalid, a check found a problem, or the command could not do its job. */
  failed: 1,
  /** The command line is wrong: unknown command or option, bad or missing value. */
  usage: 2,
  /** A bug: an error nobody planned for (sysexits' EX_SOFTWARE). */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_STATUS_HELP = `
Exit status:
  0   success
  1   the config is invalid, a check found a problem, or the command failed
  2   usage error: unknown command or option, missing or invalid argument
  70  internal error (a bug: please report it)`;
