/**
 * Bad input to the check: an unreadable file, a YAML error, an invalid descriptor, a bad rule
 * in config, an unusable option. Each problem is one line naming where it is, e.g.
 * `catalog-info.yaml: line 4: spec.status: "live" is not one of proposed, draft, ...`.
 * The command prints the problems and exits with 2.
 * @public
 */
export class CheckInputError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'CheckInputError';
    this.problems = problems;
  }
}

/** The message of any thrown value, on one line. */
export function errorMessage(error: unknown): string {
  const message =
    error instanceof Error ? error.message : String(error ?? 'unknown error');
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Splits a validator's message (`spec.a: ...; spec.b: ...`) into one problem per field. Only
 * splits where a field path follows, so a `; ` inside a quoted value stays where it is.
 */
export function splitFieldProblems(message: string): string[] {
  return message
    .split(/; (?=[A-Za-z_$][\w$-]*(?:\.[\w$-]+|\[\d+\])*: )/)
    .map(part => part.trim())
    .filter(Boolean);
}
