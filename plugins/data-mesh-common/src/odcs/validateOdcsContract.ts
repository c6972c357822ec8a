import Ajv2019, { ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { InputError } from '@backstage/errors';
import { parse, YAMLError } from 'yaml';
import { formatSchemaErrors } from '../validation/formatSchemaErrors';
import { OdcsContract } from './types';
// Unchanged copy of the Bitol ODCS v3.1.0 JSON schema (Apache-2.0, see LICENSE-ODCS), from
// github.com/bitol-io/open-data-contract-standard schema/ at e6a1c66ffc08fd0135105cf5e8d6ce85c3099285.
import odcsSchemaV310 from './odcs-json-schema-v3.1.0.json';

/** The largest contract {@link parseOdcsContract} reads: 2 MiB. @public */
export const MAX_CONTRACT_BYTES = 2 * 1024 * 1024;

let validator: ValidateFunction | undefined;

/** The v3.1.0 schema compiled once, on first use. */
function odcsValidator(): ValidateFunction {
  if (!validator) {
    // The official schema lists required fields it declares elsewhere (in if/then branches),
    // which strict mode refuses; every other strict check stays on.
    const ajv = new Ajv2019({
      allErrors: true,
      verbose: true,
      strict: true,
      strictRequired: false,
    });
    addFormats(ajv);
    validator = ajv.compile(odcsSchemaV310);
  }
  return validator;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'a string';
  return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;
}

/**
 * Checks a parsed document against the official ODCS v3.1.0 JSON schema, which also accepts
 * the earlier v3 and v2.2 `apiVersion`s. Returns the document typed as a contract, or throws an
 * `InputError` listing every problem with its path, e.g.
 * `schema[0].properties[1].logicalType: "strin" is not one of string, date, ...`.
 * @public
 */
export function validateOdcsContract(document: unknown): OdcsContract {
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
  const validate = odcsValidator();
  if (!validate(document)) {
    const problems = formatSchemaErrors(validate.errors, {
      data: document,
      schema: odcsSchemaV310,
      rootLabel: 'contract',
      // The schema's descriptions document fields rather than their patterns.
      patternDescriptions: 'append',
    });
    throw new InputError(
      `The contract is not a valid ODCS contract: ${problems.join('; ')}`,
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
 * Reads an ODCS contract from YAML (or JSON) text and validates it with
 * {@link validateOdcsContract}. Text over {@link MAX_CONTRACT_BYTES} is refused before it is
 * parsed; text that is not YAML is refused naming the line and column of the problem.
 * @public
 */
export function parseOdcsContract(text: string): OdcsContract {
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
    document = parse(text);
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
    throw error;
  }
  return validateOdcsContract(document);
}
