import type { Command } from 'commander';

/**
 * Bad usage (an unknown command or option, a missing or refused value) as one line on stderr, then a
 * hint naming where the usage is (`hint(command)`), never the whole help; commander's own suggestion
 * ("Did you mean …?") joins its line. Errors throw (exitOverride) for the caller to turn into exit 2.
 * Set on the program and every command under it, once they are all added.
 */
export function oneLineUsageErrors(program: Command, hint: (command: Command) => string): Command {
  const configure = (command: Command) => {
    command
      .exitOverride()
      .showHelpAfterError(hint(command))
      .configureOutput({ outputError: (text, write) => write(`${text.trim().replace(/\s*\n\s*/g, ' ')}\n`) });
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** The hint of the operator CLI: `(see sovereign move-tenant --help)`. */
export function helpHint(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return `(see ${names.join(' ')} --help)`;
}
