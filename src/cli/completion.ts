import type { Command, Option } from 'commander';

/**
 * Shell completion scripts, generated from the commands and options the program registers, so a
 * new command or option completes without anyone editing a script.
 */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** What a value completes to: fixed words, directories, files, or nothing known. */
type ValueKind = { words: readonly string[] } | 'directory' | 'file' | 'none';

interface OptionSpec {
  readonly flags: readonly string[];
  readonly description: string;
  /** undefined: the option takes no value. */
  readonly value?: ValueKind;
}

interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** What the positional arguments complete to (the first one's kind is used). */
  readonly positional: ValueKind;
}

// Value names that say what an option expects, as written in the option flags (`--config <dir>`).
const DIRECTORY_VALUES = /^[<[](dir|directory)[>\]]$/;
const FILE_VALUES = /^[<[](file|path)[>\]]$/;

function valueKind(option: Option): ValueKind | undefined {
  if (!option.required && !option.optional) return undefined;
  if (option.argChoices) return { words: option.argChoices };
  const placeholder = option.flags.split(/[ ,]+/).find((part) => /^[<[]/.test(part)) ?? '';
  if (DIRECTORY_VALUES.test(placeholder)) return 'directory';
  if (FILE_VALUES.test(placeholder)) return 'file';
  return 'none';
}

function commandSpec(command: Command): CommandSpec {
  const options: OptionSpec[] = command.options
    .filter((option) => !option.hidden)
    .map((option) => {
      const value = valueKind(option);
      return {
        flags: [option.short, option.long].filter((flag): flag is string => flag !== undefined),
        description: option.description,
        ...(value !== undefined && { value }),
      };
    });
  options.push({ flags: ['-h', '--help'], description: 'display help for command' });
  const first = command.registeredArguments[0];
  const positional: ValueKind = first?.argChoices
    ? { words: first.argChoices }
    : first && /dir/.test(first.name())
      ? 'directory'
      : 'none';
  return { name: command.name(), description: command.description(), options, positional };
}

export function completionScript(program: Command, shell: Shell): string {
  const commands = program.commands.map(commandSpec);
  const name = program.name();
  switch (shell) {
    case 'bash':
      return bashScript(name, commands);
    case 'zsh':
      return zshScript(name, commands);
    case 'fish':
      return fishScript(name, commands);
  }
}

const functionName = (program: string) => `_${program.replace(/[^A-Za-z0-9]/g, '_')}`;
const shellWords = (words: readonly string[]) => words.join(' ');
/** A single-quoted shell word; the texts here are our own option descriptions. */
const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function bashValue(kind: ValueKind): string {
  if (kind === 'directory') return 'COMPREPLY=($(compgen -d -- "$cur"))';
  if (kind === 'file') return 'COMPREPLY=($(compgen -f -- "$cur"))';
  if (kind === 'none') return 'COMPREPLY=()';
  return `COMPREPLY=($(compgen -W ${quoted(shellWords(kind.words))} -- "$cur"))`;
}

function bashScript(program: string, commands: readonly CommandSpec[]): string {
  const fn = functionName(program);
  const lines = [
    `# ${program} completion for bash. Load it with:`,
    `#   source <(${program} completion bash)`,
    `# or save it as ~/.local/share/bash-completion/completions/${program}`,
    `${fn}() {`,
    '  local cur prev command i',
    '  cur="${COMP_WORDS[COMP_CWORD]}"',
    '  prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  command=""',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    case "${COMP_WORDS[i]}" in',
    '      -*) ;;',
    '      *) command="${COMP_WORDS[i]}"; break ;;',
    '    esac',
    '  done',
    '  if [ -z "$command" ]; then',
    `    COMPREPLY=($(compgen -W ${quoted(shellWords([...commands.map((c) => c.name), '--help', '--version']))} -- "$cur"))`,
    '    return 0',
    '  fi',
    '  case "$command" in',
  ];
  for (const command of commands) {
    lines.push(`    ${command.name})`);
    const valued = command.options.filter((option) => option.value !== undefined);
    if (valued.length > 0) {
      lines.push('      case "$prev" in');
      for (const option of valued)
        lines.push(`        ${option.flags.join('|')}) ${bashValue(option.value as ValueKind)}; return 0 ;;`);
      lines.push('      esac');
    }
    const flags = command.options.flatMap((option) => option.flags.filter((flag) => flag.startsWith('--')));
    lines.push(
      '      if [[ "$cur" == -* ]]; then',
      `        COMPREPLY=($(compgen -W ${quoted(shellWords(flags))} -- "$cur"))`,
      '      else',
      `        ${bashValue(command.positional)}`,
      '      fi',
      '      ;;',
    );
  }
  lines.push('  esac', '  return 0', '}', `complete -o bashdefault -o default -F ${fn} ${program}`, '');
  return lines.join('\n');
}

/** zsh loads the bash function through its bash-completion layer, so both shells agree. */
function zshScript(program: string, commands: readonly CommandSpec[]): string {
  return [
    `#compdef ${program}`,
    `# ${program} completion for zsh. Load it with:`,
    `#   source <(${program} completion zsh)`,
    'autoload -U +X bashcompinit && bashcompinit',
    bashScript(program, commands)
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .join('\n'),
  ].join('\n');
}

function fishValue(kind: ValueKind | undefined): string {
  if (kind === undefined) return '';
  if (kind === 'directory') return ' -r -f -a "(__fish_complete_directories)"';
  if (kind === 'file') return ' -r -F';
  if (kind === 'none') return ' -r -f';
  return ` -r -f -a ${quoted(shellWords(kind.words))}`;
}

function fishScript(program: string, commands: readonly CommandSpec[]): string {
  const names = shellWords(commands.map((command) => command.name));
  const lines = [
    `# ${program} completion for fish. Load it with:`,
    `#   ${program} completion fish | source`,
    `# or save it as ~/.config/fish/completions/${program}.fish`,
    `complete -c ${program} -f`,
    `complete -c ${program} -n "not __fish_seen_subcommand_from ${names}" -l help -d 'display help'`,
    `complete -c ${program} -n "not __fish_seen_subcommand_from ${names}" -l version -d 'print the version'`,
  ];
  for (const command of commands) {
    lines.push(
      `complete -c ${program} -n "not __fish_seen_subcommand_from ${names}" -a ${command.name} -d ${quoted(command.description)}`,
    );
    const when = `-n "__fish_seen_subcommand_from ${command.name}"`;
    for (const option of command.options) {
      const long = option.flags.find((flag) => flag.startsWith('--'));
      const short = option.flags.find((flag) => /^-[^-]/.test(flag));
      const names = `${long ? ` -l ${long.slice(2)}` : ''}${short ? ` -s ${short.slice(1)}` : ''}`;
      lines.push(
        `complete -c ${program} ${when}${names}${fishValue(option.value)} -d ${quoted(option.description)}`,
      );
    }
    if (command.positional !== 'none')
      lines.push(`complete -c ${program} ${when}${fishValue(command.positional).replace(' -r', '')}`);
  }
  lines.push('');
  return lines.join('\n');
}
