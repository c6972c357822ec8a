import {
  MAX_CONTRACT_BYTES,
  OdcsContract,
  parseOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { CheckInputError, errorLines, errorMessage } from './errors';

/** One YAML document of a file, with the line it starts on. */
export interface YamlDocument {
  /** The file as the user named it (or found under a directory they named). */
  file: string;
  /** 1-based line of the document's first content. */
  line: number;
  data: unknown;
}

const YAML_FILE = /\.ya?ml$/i;

function describeFsError(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return `${file}: no such file or directory`;
  if (code === 'EACCES') return `${file}: permission denied`;
  if (code === 'EISDIR') return `${file}: is a directory`;
  return `${file}: cannot read it: ${errorMessage(error)}`;
}

async function walk(dir: string, found: string[]): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  // Code-point order, so the files come in the same order on every machine.
  entries.sort((a, b) => Number(a.name > b.name) - Number(a.name < b.name));
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) await walk(child, found);
    else if (entry.isFile() && YAML_FILE.test(entry.name)) found.push(child);
  }
}

/**
 * The files named, with each directory replaced by the `*.yaml` and `*.yml` files under it
 * (recursively, skipping `node_modules` and hidden directories). Paths are kept as given, and
 * resolved against `cwd`. Throws one problem per path that does not exist.
 */
export async function expandPaths(
  paths: string[],
  cwd: string,
): Promise<Array<{ file: string; fromDirectory: boolean }>> {
  const problems: string[] = [];
  const files: Array<{ file: string; fromDirectory: boolean }> = [];
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    try {
      const stat = await fs.stat(absolute);
      if (stat.isDirectory()) {
        const found: string[] = [];
        await walk(absolute, found);
        files.push(
          ...found.map(file => ({
            file: path.join(given, path.relative(absolute, file)),
            fromDirectory: true,
          })),
        );
      } else {
        files.push({ file: given, fromDirectory: false });
      }
    } catch (error) {
      problems.push(describeFsError(given, error));
    }
  }
  if (problems.length) throw new CheckInputError(problems);
  return files;
}

/** The first line of a parser message, without the position it repeats. */
function yamlReason(message: string): string {
  return message
    .split('\n')[0]
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}

/**
 * Parses a file's YAML documents (skipping empty ones). Throws a problem naming the file for
 * an unreadable file, and one naming the file and line for each YAML error.
 */
export async function readYamlDocuments(
  file: string,
  cwd: string,
): Promise<YamlDocument[]> {
  let text: string;
  try {
    text = await fs.readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new CheckInputError([describeFsError(file, error)]);
  }
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: true });
  const documents = Array.isArray(parsed) ? parsed : [];
  const problems: string[] = [];
  const result: YamlDocument[] = [];
  for (const document of documents) {
    if (document.errors.length) {
      for (const error of document.errors) {
        const position =
          error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
        problems.push(
          `${file}: line ${position.line}, column ${position.col}: ${yamlReason(
            error.message,
          )}`,
        );
      }
      continue;
    }
    const start = document.contents?.range?.[0] ?? 0;
    let data: unknown;
    try {
      data = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      problems.push(
        `${file}: line ${lineCounter.linePos(start).line}: ${errorMessage(
          error,
        )}`,
      );
      continue;
    }
    if (data === null || data === undefined) continue;
    result.push({ file, line: lineCounter.linePos(start).line, data });
  }
  if (problems.length) throw new CheckInputError(problems);
  return result;
}

/**
 * Reads an ODCS contract file and validates it against the ODCS schema. Only regular files no
 * larger than a contract may be are read, so a device, a pipe or a huge file is refused before
 * reading. Throws a {@link CheckInputError} naming the file (and the field, for an invalid
 * contract).
 */
export async function readContractFile(
  file: string,
  cwd: string,
): Promise<OdcsContract> {
  const absolute = path.resolve(cwd, file);
  let text: string;
  try {
    const stat = await fs.stat(absolute);
    if (stat.isDirectory()) {
      throw new CheckInputError([
        `${file}: is a directory, name contract files`,
      ]);
    }
    if (!stat.isFile()) {
      throw new CheckInputError([`${file}: is not a regular file`]);
    }
    if (stat.size > MAX_CONTRACT_BYTES) {
      throw new CheckInputError([
        `${file}: is ${stat.size} bytes, more than the ${MAX_CONTRACT_BYTES} a contract may have`,
      ]);
    }
    text = await fs.readFile(absolute, 'utf8');
  } catch (error) {
    if (error instanceof CheckInputError) throw error;
    throw new CheckInputError([describeFsError(file, error)]);
  }
  try {
    return parseOdcsContract(text);
  } catch (error) {
    throw new CheckInputError(errorLines(error, file));
  }
}
