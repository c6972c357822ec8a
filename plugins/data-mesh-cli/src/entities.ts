import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import {
  DATA_MESH_API_VERSION,
  importOdpsDocument,
  isJsonObject,
  isValidDataMeshDomainEntity,
  isValidDataProductEntity,
  ODCS_API_TYPE,
  ODCS_ID_ANNOTATION,
  OdpsImportOptions,
  parseOdcsContract,
  problemsOf,
} from '@datamesh-portal/plugin-data-mesh-common';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  CheckInputError,
  errorLines,
  errorMessage,
  problemLines,
} from './errors';
import { expandPaths, readYamlDocuments, YamlDocument } from './files';

/** An entity read from a local file. */
export interface LocalEntity {
  entity: Entity;
  file: string;
  line: number;
}

/** What a set of files holds. */
export interface LoadedEntities {
  /** Valid entities of every kind, DataProducts included, in file order. */
  entities: LocalEntity[];
  /** Entities left out (as the catalog would refuse them), one line each. */
  warnings: string[];
}

// The envelope checks of the catalog's default entity policy.
const envelopePolicy = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
]);

/** ODPS documents say `apiVersion: v1.0.0` where catalog entities have a group/version. */
function isOdpsDocument(data: Record<string, unknown>): boolean {
  return (
    data.kind === 'DataProduct' &&
    typeof data.apiVersion === 'string' &&
    /^v\d+\.\d+\.\d+$/.test(data.apiVersion)
  );
}

/** The catalog's envelope messages end with a link to its file format; keep the problem. */
function envelopeMessage(error: unknown): string {
  return errorMessage(error).replace(/\.? To learn more about .*$/, '');
}

function describe(data: Record<string, unknown>): string {
  const name = isJsonObject(data.metadata) ? data.metadata.name : undefined;
  return typeof name === 'string' && name
    ? `${String(data.kind)} ${name}`
    : String(data.kind);
}

/** A contract the catalog would refuse: its problems, one line each. */
class InvalidContract extends Error {
  readonly lines: string[];

  constructor(error: unknown) {
    const where = 'spec.definition is not a valid ODCS contract';
    const problems = problemsOf(error);
    // Schema problems one a line; a contract that is no YAML or too large, its message.
    const lines = problems
      ? problemLines(problems, where)
      : [`${where}: ${errorMessage(error)}`];
    super(lines.join('; '));
    this.lines = lines;
  }
}

/** A contract the catalog would fetch from a URL: not read offline. */
class RemoteContract extends Error {
  constructor(readonly target: string) {
    super(`spec.definition: $text ${target} is not a local file`);
  }
}

/**
 * Reads the ODCS document of an `odcs` API (inline in `spec.definition`, or in the file named
 * by `$text`, relative to the entity's file) and records its `id` as the catalog processor
 * does. Throws when the catalog would refuse the API.
 */
async function withContractId(
  api: Entity,
  file: string,
  cwd: string,
): Promise<Entity> {
  const definition = (api.spec as { definition?: unknown }).definition;
  let text: string;
  if (typeof definition === 'string') {
    text = definition;
  } else if (isJsonObject(definition) && typeof definition.$text === 'string') {
    const target = definition.$text;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) throw new RemoteContract(target);
    const absolute = path.resolve(
      path.dirname(path.resolve(cwd, file)),
      target,
    );
    try {
      text = await fs.readFile(absolute, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException)?.code;
      throw new Error(
        `spec.definition: $text ${target}: ${
          code === 'ENOENT' ? 'no such file' : errorMessage(error)
        }`,
      );
    }
  } else {
    throw new Error('spec.definition must be the contract text or a $text');
  }
  let contractId: string;
  try {
    contractId = parseOdcsContract(text).id;
  } catch (error) {
    throw new InvalidContract(error);
  }
  return {
    ...api,
    metadata: {
      ...api.metadata,
      annotations: {
        ...api.metadata.annotations,
        [ODCS_ID_ANNOTATION]: contractId,
      },
    },
    spec: { ...api.spec, definition: text },
  };
}

/**
 * One document as the catalog would take it: an entity, or its problems, one line each
 * (`strict`: they are errors), or nothing (not an entity at all, such as an ODCS document
 * next to the entities).
 */
async function toEntity(
  document: YamlDocument,
  options: { cwd: string; odps: OdpsImportOptions },
): Promise<
  | { entity: Entity; warning?: string }
  | { problems: string[]; isDataProduct: boolean }
  | undefined
> {
  if (!isJsonObject(document.data)) return undefined;
  let data: Record<string, unknown> = document.data;
  if (isOdpsDocument(data)) {
    try {
      data = importOdpsDocument(data, options.odps) as unknown as Record<
        string,
        unknown
      >;
    } catch (error) {
      return {
        problems: errorLines(error, 'ODPS document'),
        isDataProduct: true,
      };
    }
  }
  if (typeof data.apiVersion !== 'string' || typeof data.kind !== 'string') {
    return undefined;
  }
  const isDataProduct = data.kind === 'DataProduct';
  // Not a catalog entity at all (an ODCS contract next to the entities, say).
  if (!isDataProduct && !isJsonObject(data.metadata)) return undefined;
  if (isDataProduct && data.apiVersion !== DATA_MESH_API_VERSION) {
    return {
      problems: [
        `${describe(data)}: apiVersion: ${JSON.stringify(
          data.apiVersion,
        )} is not ${DATA_MESH_API_VERSION}`,
      ],
      isDataProduct,
    };
  }
  let entity: Entity;
  try {
    const enforced = await envelopePolicy.enforce(data as unknown as Entity);
    if (!enforced) return undefined;
    entity = enforced;
  } catch (error) {
    return {
      problems: [`${describe(data)}: ${envelopeMessage(error)}`],
      isDataProduct,
    };
  }
  try {
    isValidDataProductEntity(entity);
    isValidDataMeshDomainEntity(entity);
  } catch (error) {
    return { problems: errorLines(error, describe(data)), isDataProduct };
  }
  if (
    entity.kind.toLocaleLowerCase('en-US') === 'api' &&
    (entity.spec as { type?: unknown } | undefined)?.type === ODCS_API_TYPE
  ) {
    try {
      entity = await withContractId(entity, document.file, options.cwd);
    } catch (error) {
      if (error instanceof RemoteContract) {
        return {
          entity,
          warning: `${describe(data)}: ${
            error.message
          }; ports naming its contract by id are not resolved offline`,
        };
      }
      return {
        problems:
          error instanceof InvalidContract
            ? error.lines.map(line => `${describe(data)}: ${line}`)
            : [`${describe(data)}: ${errorMessage(error)}`],
        isDataProduct,
      };
    }
  }
  return { entity };
}

/**
 * Reads the entities of files and directories. A problem with a DataProduct of a `strict`
 * file (a descriptor being checked) is an error; any other entity the catalog would refuse is
 * left out with a warning, as the catalog leaves it out. Throws a {@link CheckInputError}
 * with every problem of every file.
 */
export async function loadEntities(
  paths: string[],
  options: {
    cwd: string;
    strict: boolean;
    odps: OdpsImportOptions;
    /** Files already read, skipped (a descriptor also under an --entities directory). */
    skip?: Set<string>;
  },
): Promise<
  LoadedEntities & {
    /** The files read, with how many DataProducts each holds. */
    files: Array<{ file: string; products: number }>;
    /** How many files were skipped as already read. */
    skipped: number;
  }
> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const entities: LocalEntity[] = [];
  const files: Array<{ file: string; products: number }> = [];
  let expanded: Array<{ file: string; fromDirectory: boolean }> = [];
  try {
    expanded = await expandPaths(paths, options.cwd);
  } catch (error) {
    if (!(error instanceof CheckInputError)) throw error;
    problems.push(...error.problems);
  }
  const seen = new Set<string>();
  let skipped = 0;
  for (const { file } of expanded) {
    const key = path.resolve(options.cwd, file);
    if (seen.has(key) || options.skip?.has(key)) {
      skipped++;
      continue;
    }
    seen.add(key);
    let documents: YamlDocument[];
    try {
      documents = await readYamlDocuments(file, options.cwd);
    } catch (error) {
      if (!(error instanceof CheckInputError)) throw error;
      problems.push(...error.problems);
      continue;
    }
    let products = 0;
    for (const document of documents) {
      const result = await toEntity(document, options);
      if (!result) continue;
      const where = `${document.file}: line ${document.line}`;
      if ('problems' in result) {
        const lines = result.problems.map(p => `${where}: ${p}`);
        if (options.strict && result.isDataProduct) {
          problems.push(...lines);
          products++;
        } else {
          warnings.push(
            ...lines.map(
              l => `${l} (left out, as the catalog would refuse it)`,
            ),
          );
        }
        continue;
      }
      if (result.warning) warnings.push(`${where}: ${result.warning}`);
      if (result.entity.kind === 'DataProduct') products++;
      entities.push({
        entity: result.entity,
        file: document.file,
        line: document.line,
      });
    }
    files.push({ file, products });
  }
  if (problems.length) throw new CheckInputError(problems);
  return { entities, warnings, files, skipped };
}
