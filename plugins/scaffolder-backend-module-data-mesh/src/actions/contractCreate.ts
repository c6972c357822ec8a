import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  compactEntityRef,
  formatProblems,
  inputErrorWithProblems,
  OdcsContract,
  OdcsSchemaProperty,
  OdcsSlaProperty,
  parseIsoDuration,
  Problem,
  problemsOf,
  validateOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { examples } from './contractCreate.examples';
import { dropUndefined, NAME_PATTERN } from './util';

/** The logical types of ODCS v3.1.0 properties. @public */
export const ODCS_LOGICAL_TYPES = [
  'string',
  'date',
  'timestamp',
  'time',
  'number',
  'integer',
  'object',
  'array',
  'boolean',
] as const;

/**
 * Writes the ODCS v3.1.0 data contract of one output port from the columns of the template's
 * form, after checking it against the ODCS schema: a bad column fails the step with the field
 * named and nothing is written. Run it once per port with the step's `each`.
 * @public
 */
export function createContractCreateAction() {
  return createTemplateAction({
    id: 'data-mesh:contract:create',
    description:
      'Writes the ODCS v3.1.0 data contract of one output port (its columns and types), validated against the ODCS schema.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        product: z =>
          z.string().describe('Entity name of the data product, e.g. orders'),
        title: z =>
          z
            .string()
            .optional()
            .describe('Human readable product name, for the contract name'),
        version: z =>
          z
            .string()
            .optional()
            .describe('Contract version; default the port version or 1.0.0'),
        status: z =>
          z
            .string()
            .optional()
            .describe('Contract status, e.g. draft (the default) or active'),
        owner: z =>
          z
            .string()
            .optional()
            .describe('Owning team (the contract team name)'),
        domain: z => z.string().optional().describe('Domain of the product'),
        purpose: z => z.string().optional(),
        usage: z => z.string().optional(),
        limitations: z => z.string().optional(),
        port: z =>
          z
            .object({
              name: z.string(),
              type: z
                .string()
                .optional()
                .describe('Port type: table, view, topic, file...'),
              description: z.string().optional(),
              version: z.string().optional(),
            })
            // The template may pass a port of its form as it is, columns included.
            .passthrough()
            .describe('The output port the contract is for'),
        columns: z =>
          z
            .array(
              z
                .object({
                  name: z.string(),
                  type: z
                    .enum(ODCS_LOGICAL_TYPES)
                    .describe('ODCS logical type'),
                  description: z.string().optional(),
                  required: z.boolean().optional(),
                  primaryKey: z.boolean().optional(),
                  unique: z.boolean().optional(),
                  classification: z.string().optional(),
                  physicalType: z
                    .string()
                    .optional()
                    .describe('Type in the data source, e.g. VARCHAR(36)'),
                })
                .passthrough(),
            )
            .optional()
            .describe('The columns (properties) of the port'),
        slos: z =>
          z
            .object({
              freshness: z.string().optional(),
              availability: z.number().optional(),
            })
            .passthrough()
            .optional()
            .describe(
              'Service levels of the product, written as SLA properties',
            ),
        id: z =>
          z
            .string()
            .optional()
            .describe('ODCS id; default <product>-<port>-contract'),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Workspace path of the file; default contracts/<port>.odcs.yaml',
            ),
      },
      output: {
        contractId: z => z.string().describe('The ODCS id of the contract'),
        contractPath: z =>
          z.string().describe('Workspace-relative path of the file'),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const port = input.port;
      if (
        !port ||
        typeof port.name !== 'string' ||
        !NAME_PATTERN.test(port.name)
      ) {
        throw new InputError(
          `port.name: ${JSON.stringify(
            port?.name,
          )} is not a valid port name (letters and digits with - _ . between them)`,
        );
      }
      const columns = input.columns ?? [];
      checkColumnNames(columns);

      const contractId = input.id ?? `${input.product}-${port.name}-contract`;
      const document: OdcsContract = dropUndefined({
        apiVersion: 'v3.1.0',
        kind: 'DataContract',
        id: contractId,
        name: `${input.title ?? input.product} - ${port.name}`,
        version: input.version ?? port.version ?? '1.0.0',
        status: input.status ?? 'draft',
        domain: input.domain
          ? compactEntityRef(input.domain, { defaultKind: 'Domain' })
          : undefined,
        dataProduct: input.product,
        description: optionalObject({
          purpose: input.purpose ?? port.description,
          usage: input.usage,
          limitations: input.limitations,
        }),
        team: input.owner
          ? {
              name: compactEntityRef(input.owner, {
                defaultKind: 'Group',
                keepKind: true,
              }),
            }
          : undefined,
        schema: [
          dropUndefined({
            name: port.name,
            logicalType: 'object',
            physicalType: port.type,
            description: port.description,
            properties: toProperties(columns),
          }),
        ],
        slaProperties: slaProperties(
          input.slos,
          freshnessElement(port, columns),
        ),
      });

      try {
        validateOdcsContract(document);
      } catch (error) {
        const problems = (problemsOf(error) ?? []).map(problem => ({
          ...problem,
          field: asColumnField(problem.field, columns),
        }));
        throw inputErrorWithProblems(
          `The contract of port ${
            port.name
          } is not a valid ODCS contract: ${formatProblems(problems)}`,
          problems,
        );
      }

      const contractPath =
        input.targetPath ??
        path.posix.join('contracts', `${port.name}.odcs.yaml`);
      const file = resolveSafeChildPath(ctx.workspacePath, contractPath);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(
        file,
        `# ODCS v3.1.0 data contract of output port ${
          port.name
        } of data product ${input.product}.\n${YAML.stringify(document)}`,
        'utf8',
      );
      ctx.logger.info(`Wrote contract ${contractId} to ${contractPath}`);

      ctx.output('contractId', contractId);
      ctx.output('contractPath', contractPath);
    },
  });
}

type Column = {
  name: string;
  type: string;
  description?: string;
  required?: boolean;
  primaryKey?: boolean;
  unique?: boolean;
  classification?: string;
  physicalType?: string;
};

function checkColumnNames(columns: Column[]) {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  columns.forEach((column, i) => {
    const field = `columns[${i}].name`;
    if (typeof column.name !== 'string' || !column.name.trim()) {
      problems.push({ field, message: 'is required' });
    } else if (seen.has(column.name)) {
      problems.push({
        field,
        message: `${JSON.stringify(column.name)} is used by another column`,
      });
    }
    seen.add(column.name);
  });
  if (problems.length) {
    throw inputErrorWithProblems(
      `The contract is invalid: ${formatProblems(problems)}`,
      problems,
    );
  }
}

function toProperties(columns: Column[]): OdcsSchemaProperty[] {
  let position = 0;
  return columns.map(column =>
    dropUndefined({
      name: column.name,
      logicalType: column.type,
      physicalType: column.physicalType || undefined,
      description: column.description || undefined,
      required: column.required ?? (column.primaryKey ? true : undefined),
      primaryKey: column.primaryKey || undefined,
      primaryKeyPosition: column.primaryKey ? ++position : undefined,
      unique: column.unique || undefined,
      classification: column.classification || undefined,
    }),
  );
}

/** ODCS latency units of the ISO-8601 duration units. */
const LATENCY_UNITS: Record<string, string> = {
  days: 'd',
  hours: 'h',
  minutes: 'm',
};

/**
 * What freshness is measured on: the port's first date or timestamp column (`table.column`);
 * without one a contract test cannot measure the latency SLA, and says so.
 */
function freshnessElement(port: { name: string }, columns: Column[]) {
  const column = columns.find(c => c.type === 'timestamp' || c.type === 'date');
  return column ? `${port.name}.${column.name}` : undefined;
}

/** `PT24H` as ODCS latency `24 h` on `element`; `availability` as a percentage. */
function slaProperties(
  slos: { freshness?: string; availability?: number } | undefined,
  element: string | undefined,
): OdcsSlaProperty[] | undefined {
  const properties: OdcsSlaProperty[] = [];
  if (slos?.freshness) {
    // A single amount of days, hours or minutes is ODCS's number and unit; else the text.
    const amounts = Object.entries(
      parseIsoDuration(slos.freshness) ?? {},
    ).filter(([, amount]) => amount);
    const [unit, value] = amounts.length === 1 ? amounts[0] : [];
    const latencyUnit = unit ? LATENCY_UNITS[unit] : undefined;
    properties.push(
      dropUndefined(
        latencyUnit
          ? {
              property: 'latency',
              value,
              unit: latencyUnit,
              element,
              description: `Data is at most ${slos.freshness} old`,
            }
          : {
              property: 'latency',
              value: slos.freshness,
              element,
              description: `Data is at most ${slos.freshness} (ISO-8601 duration) old`,
            },
      ),
    );
  }
  if (typeof slos?.availability === 'number') {
    properties.push({
      property: 'availability',
      value: slos.availability,
      unit: 'percent',
    });
  }
  return properties.length ? properties : undefined;
}

function optionalObject<T extends object>(value: T): T | undefined {
  const kept = dropUndefined(value);
  return Object.keys(kept).length ? kept : undefined;
}

/**
 * A contract field as the form's column it comes from: `schema[0].properties[2].logicalType`
 * is `columns[2] (amount).type`.
 */
function asColumnField(field: string, columns: Column[]): string {
  const column = /^schema\[0\]\.properties\[(\d+)\](?:\.(\w+))?(.*)$/.exec(
    field,
  );
  if (!column) return field;
  const [, index, name, rest] = column;
  const title = columns[Number(index)]?.name;
  const formField = name === 'logicalType' ? 'type' : name;
  return `columns[${index}]${title ? ` (${title})` : ''}${
    formField ? `.${formField}` : ''
  }${rest}`;
}
