import Ajv2019, { ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { formatProblems, inputErrorWithProblems } from '../validation/problems';
import { schemaProblems } from '../validation/schemaProblems';
import { OdcsContract } from './types';
import { assertContractObject, readOdcsContract } from './readOdcsContract';
// Unchanged copy of the Bitol ODCS v3.1.0 JSON schema (Apache-2.0, see LICENSE-ODCS), from
// github.com/bitol-io/open-data-contract-standard schema/ at e6a1c66ffc08fd0135105cf5e8d6ce85c3099285.
import odcsSchemaV310 from './odcs-json-schema-v3.1.0.json';

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

/**
 * Checks a parsed document against the official ODCS v3.1.0 JSON schema, which also accepts
 * the earlier v3 and v2.2 `apiVersion`s. Returns the document typed as a contract, or throws an
 * `InputError` whose `problems` name each field and what is wrong, e.g. field
 * `schema[0].properties[1].logicalType` with message
 * `must be one of string, date, ..., got "strin"`.
 * @public
 */
export function validateOdcsContract(document: unknown): OdcsContract {
  assertContractObject(document);
  const validate = odcsValidator();
  if (!validate(document)) {
    const problems = schemaProblems(validate.errors, document);
    throw inputErrorWithProblems(
      `The contract is not a valid ODCS contract: ${formatProblems(problems)}`,
      problems,
    );
  }
  return document as OdcsContract;
}

/**
 * Reads an ODCS contract from its YAML (or JSON) text and validates it against the ODCS v3.1.0
 * schema; every problem is named with its path.
 * @public
 */
export function parseOdcsContract(text: string): OdcsContract {
  return validateOdcsContract(readOdcsContract(text));
}
