import { InputError } from '@backstage/errors';
import {
  Composer,
  CST,
  Document,
  LineCounter,
  Parser,
  YAMLError,
  YAMLParseError,
} from 'yaml';
import { OdcsContract } from './types';

/** The largest contract {@link readOdcsContract} reads: 2 MiB. @public */
export const MAX_CONTRACT_BYTES = 2 * 1024 * 1024;

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'a string';
  return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;
}

/** The document itself, when it is a mapping as every ODCS contract is. */
export function assertContractObject(document: unknown): OdcsContract {
  if (
    typeof document !== 'object' ||
    document === null ||
    Array.isArray(document)
  ) {
    throw new InputError(
      `The contract must be an object with fields such as apiVersion, kind, id and version, but it is ${describeType(
        document,
      )}`,
    );
  }
  return document as OdcsContract;
}

/** The UTF-8 size of a string, without encoding it. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      // A surrogate pair: one character of four bytes.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Deepest collection nesting a contract may have. Real contracts stay far below it; the YAML
 * composer recurses per level, and near the end of the stack V8 can abort the whole process
 * (a regular expression compiled there runs out of memory) instead of throwing.
 */
const MAX_YAML_DEPTH = 64;

/** Whether a parsed YAML document (a CST token) nests collections deeper than `limit`, without recursion. */
function nestsDeeperThan(document: CST.Token, limit: number): boolean {
  type Item = { key?: unknown; value?: unknown };
  const pending: Array<[unknown, number]> = [[document, 0]];
  while (pending.length > 0) {
    const [token, depth] = pending.pop()!;
    if (!token || typeof token !== 'object') continue;
    const { type, value, items } = token as {
      type?: string;
      value?: unknown;
      items?: Item[];
    };
    if (type === 'document') pending.push([value, depth]);
    if (Array.isArray(items)) {
      if (depth + 1 > limit) return true;
      for (const item of items) {
        pending.push([item.key, depth + 1], [item.value, depth + 1]);
      }
    }
  }
  return false;
}

/**
 * `yaml`'s parse(text, { logLevel: 'error' }), tokenizing the text once: each document's tokens
 * are checked for depth before the composer, which recurses per level, reads them.
 */
function parseYaml(text: string): unknown {
  const lines = new LineCounter();
  function* checked(tokens: Iterable<CST.Token>) {
    for (const token of tokens) {
      if (nestsDeeperThan(token, MAX_YAML_DEPTH)) {
        throw new InputError(
          `The contract is nested more than ${MAX_YAML_DEPTH} levels deep`,
        );
      }
      yield token;
    }
  }
  const composer = new Composer({ logLevel: 'error' });
  let document: Document.Parsed | undefined;
  for (const next of composer.compose(
    checked(new Parser(lines.addNewLine).parse(text)),
    true,
    text.length,
  )) {
    if (!document) {
      document = next;
    } else {
      document.errors.push(
        new YAMLParseError(
          [next.range[0], next.range[1]],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  const [error] = document!.errors;
  if (error) {
    error.linePos ??= [lines.linePos(error.pos[0])];
    throw error;
  }
  return document!.toJS({ logLevel: 'error' });
}

/**
 * Reads an ODCS contract from its YAML (or JSON) text without checking it against the schema:
 * for showing a contract the catalog has already validated, without the schema's weight.
 * Refuses text over {@link MAX_CONTRACT_BYTES}, text that is not YAML (naming the line and
 * column) and YAML that is not a mapping.
 * @public
 */
export function readOdcsContract(text: string): OdcsContract {
  // Callers pass entity fields such as an API's spec.definition, which may hold any JSON.
  if (typeof text !== 'string') {
    throw new InputError(
      `The contract must be YAML or JSON text, but it is ${describeType(text)}`,
    );
  }
  // A UTF-16 unit takes at most three bytes: short text needs no counting.
  const size =
    text.length * 3 <= MAX_CONTRACT_BYTES ? text.length : utf8Length(text);
  if (size > MAX_CONTRACT_BYTES) {
    throw new InputError(
      `The contract is ${megabytes(size)}, more than the ${megabytes(
        MAX_CONTRACT_BYTES,
      )} allowed`,
    );
  }
  if (text.trim() === '') {
    throw new InputError('The contract is empty');
  }
  let document: unknown;
  try {
    // Warnings (unknown tags, directives) are not errors of the contract: logLevel 'error'
    // (the parser's default prints them through process.emitWarning, which throws under some
    // runtimes).
    document = parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLError) {
      const position = error.linePos?.[0];
      // The parser's message repeats the position and quotes the source; keep its first line.
      const reason = error.message
        .split('\n')[0]
        .replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(
        position
          ? `The contract is not valid YAML: line ${position.line}, column ${position.col}: ${reason}`
          : `The contract is not valid YAML: ${reason}`,
      );
    }
    // The parser's guards against alias bombs and undefined aliases throw ReferenceErrors.
    if (error instanceof ReferenceError) {
      throw new InputError(`The contract is not valid YAML: ${error.message}`);
    }
    throw error;
  }
  return assertContractObject(document);
}
