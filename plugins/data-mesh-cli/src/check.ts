import {
  Entity,
  RELATION_CONSUMES_API,
  RELATION_PROVIDES_API,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  DATA_MESH_API_VERSION,
  DataProductEntityV1alpha1,
  DataProductEvaluator,
  describeInvalidFactSource,
  entityRefKey,
  EvaluateResponse,
  Governance,
  GovernancePolicy,
  isJsonObject,
  productRelatedRefs,
  productRuleContext,
  RuleContextInput,
  Scorecard,
  ScorecardCheckDefinition,
  withDraftRelations,
} from '@datamesh-portal/plugin-data-mesh-common';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createEvaluator, loadConfig, odpsImportOptions } from './config';
import { loadEntities, LocalEntity } from './entities';
import { CheckInputError, errorMessage } from './errors';
import { LocalContractLookup } from './LocalContractLookup';
import { evaluateThroughPortal, fetchPortalRules, portalUrl } from './portal';

/**
 * Fact values by source, as rules read them under `facts.<source>`, e.g.
 * `{ contract_tests: { passed: 12, failed: 0 } }`.
 * @public
 */
export type Facts = NonNullable<RuleContextInput['facts']>;

/** Options of {@link checkDescriptors}. @public */
export interface CheckDescriptorsOptions {
  /** Descriptor files (or directories of them): every DataProduct in them is checked. */
  files: string[];
  /**
   * Files or directories of catalog entities that resolve the products' domains (and parent
   * domains), owners, upstream products and contracts. Without them, rules see none.
   */
  entityPaths?: string[];
  /** app-config files whose `dataMesh.scorecards` and `dataMesh.governance` apply. */
  configFiles?: string[];
  /** Facts by source, as rules read them under `facts.<source>`. */
  facts?: Facts;
  /** A JSON file of facts by source, read when `facts` is not given. */
  factsFile?: string;
  /** The time of the evaluation; default now. */
  now?: Date;
  /** The directory relative paths are resolved against; default the process's. */
  cwd?: string;
  /** Environment for `${VAR}` substitution in config files; default the process's. */
  env?: Record<string, string | undefined>;
  /** Evaluate through a portal (its base URL) instead of locally. */
  url?: string;
  /** Bearer token for the portal. */
  token?: string;
}

/** The verdict on one product, as the portal gives it (draft policies removed). @public */
export interface DataProductVerdict {
  /** Lowercase `dataproduct:namespace/name`. */
  entityRef: string;
  scorecard: Scorecard;
  governance: Governance;
}

/** A verdict with what the report shows next to it. @public */
export interface ProductReport extends DataProductVerdict {
  /** The file and line the product was read from. */
  file: string;
  line: number;
  /** The checks configured, for titles, levels and remediation (may be empty with `url`). */
  checkDefinitions: ScorecardCheckDefinition[];
  /** The policies in force for the product (may be empty with `url`). */
  policies: GovernancePolicy[];
  /** Domain, owner, upstream and contract refs not found among the entities. */
  unresolved: string[];
}

/** Everything a check found. @public */
export interface CheckReport {
  products: ProductReport[];
  /** Entities left out or options ignored, one line each. */
  warnings: string[];
  /** How the products were evaluated. */
  mode: 'local' | 'portal';
  /** Whether domains, owners, upstream products and contracts were looked up in entities. */
  entitiesResolved: boolean;
}

/** Checks facts given by source: an object of objects, each source a name rules can read. */
export function validateFacts(facts: unknown, label = 'facts'): Facts {
  if (!isJsonObject(facts)) {
    throw new CheckInputError([
      `${label}: must be a JSON object of fact sources, e.g. {"contract_tests":{"passed":12,"failed":0}}`,
    ]);
  }
  const problems: string[] = [];
  for (const [source, values] of Object.entries(facts)) {
    const invalid = describeInvalidFactSource(source);
    if (invalid) problems.push(`${label}: source ${invalid}`);
    else if (!isJsonObject(values)) {
      problems.push(`${label}: ${source}: must be a JSON object of values`);
    }
  }
  if (problems.length) throw new CheckInputError(problems);
  return facts as Facts;
}

/** Reads a JSON file of facts by source. */
async function readFacts(file: string, cwd: string): Promise<Facts> {
  let text: string;
  try {
    text = await fs.readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    throw new CheckInputError([
      `${file}: ${
        code === 'ENOENT' ? 'no such file or directory' : errorMessage(error)
      }`,
    ]);
  }
  let facts: unknown;
  try {
    facts = JSON.parse(text);
  } catch (error) {
    throw new CheckInputError([
      `${file}: not valid JSON: ${errorMessage(error)}`,
    ]);
  }
  return validateFacts(facts, file);
}

/** The verdict without the draft policies, which the portal shows to governance admins only. */
function withoutDrafts(verdict: EvaluateResponse): EvaluateResponse {
  const results = verdict.governance.results.filter(
    r => r.enforcement !== 'draft',
  );
  return {
    scorecard: verdict.scorecard,
    governance: {
      compliant: results.every(r => !r.blocking),
      results,
    },
  };
}

/**
 * The contract APIs a product names (lowercase refs). The catalog relates a product to them
 * whether or not they exist, so rules counting contracts cannot tell; the report can.
 */
function contractRefs(product: Entity): string[] {
  return (product.relations ?? [])
    .filter(
      r => r.type === RELATION_PROVIDES_API || r.type === RELATION_CONSUMES_API,
    )
    .map(r => entityRefKey(r.targetRef));
}

/** Runs `step`, adding its input problems to `problems` instead of throwing them. */
async function collect<T>(
  problems: string[],
  step: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof CheckInputError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/**
 * Checks the DataProducts of local descriptor files, locally with the rules of the config
 * files or through a portal, and reports each verdict with what explains it. Throws a
 * {@link CheckInputError} listing every problem with the input.
 * @public
 */
export async function runCheck(
  options: CheckDescriptorsOptions,
): Promise<CheckReport> {
  const cwd = options.cwd ?? process.cwd();
  const now = options.now ?? new Date();
  const configFiles = options.configFiles ?? [];
  const entityPaths = options.entityPaths ?? [];
  const portal = options.url !== undefined;
  const problems: string[] = [];
  const warnings: string[] = [];

  if (options.files.length === 0) {
    throw new CheckInputError([
      'no descriptor given: name the catalog-info.yaml files to check',
    ]);
  }
  if (portal)
    await collect(problems, async () => portalUrl(options.url!, 'evaluate'));
  let facts: Facts | undefined = {};
  if (options.facts) {
    facts = await collect(problems, async () => validateFacts(options.facts));
  } else if (options.factsFile) {
    facts = await collect(problems, () => readFacts(options.factsFile!, cwd));
  }

  const config = await collect<Config>(problems, () =>
    loadConfig(configFiles, { cwd, env: options.env }),
  );
  let evaluator: DataProductEvaluator | undefined;
  if (config && !portal) {
    evaluator = await collect(problems, async () =>
      createEvaluator(config, configFiles),
    );
  }
  const odps = config
    ? odpsImportOptions(config)
    : { defaultOwner: 'group:unassigned', defaultDomain: 'unassigned' };

  // The descriptors, each of which must hold a DataProduct.
  const descriptorEntities: LocalEntity[] = [];
  const descriptorFiles = new Set<string>();
  for (const given of options.files) {
    const loaded = await collect(problems, () =>
      loadEntities([given], {
        cwd,
        strict: true,
        odps,
        skip: descriptorFiles,
      }),
    );
    if (!loaded) continue;
    warnings.push(...loaded.warnings);
    loaded.files.forEach(f => descriptorFiles.add(path.resolve(cwd, f.file)));
    const isDirectory =
      loaded.files.length !== 1 || loaded.files[0].file !== given;
    if (loaded.skipped === 0 && loaded.files.every(f => f.products === 0)) {
      problems.push(
        isDirectory
          ? `${given}: no DataProduct in any YAML file under it`
          : `${given}: no DataProduct in it (kind DataProduct, apiVersion ${DATA_MESH_API_VERSION})`,
      );
    }
    descriptorEntities.push(...loaded.entities);
  }

  const products: LocalEntity[] = [];
  const productFiles = new Map<string, LocalEntity>();
  for (const local of descriptorEntities) {
    if (local.entity.kind !== 'DataProduct') continue;
    const key = entityRefKey(local.entity);
    const first = productFiles.get(key);
    if (first) {
      problems.push(
        `${local.file}: line ${local.line}: ${key} is also defined in ${first.file} at line ${first.line}`,
      );
      continue;
    }
    productFiles.set(key, local);
    products.push(local);
  }

  // The entities rules may read.
  const pool = new Map<string, Entity>();
  if (entityPaths.length && portal) {
    warnings.push(
      '--entities is ignored with --url: the portal resolves entities from its catalog',
    );
  } else if (entityPaths.length) {
    const loaded = await collect(problems, () =>
      loadEntities(entityPaths, {
        cwd,
        strict: false,
        odps,
        skip: descriptorFiles,
      }),
    );
    if (loaded) {
      warnings.push(...loaded.warnings);
      for (const { entity } of loaded.entities) {
        const key = entityRefKey(entity);
        if (!pool.has(key)) pool.set(key, entity);
      }
    }
    // The descriptors are the newest version of what they define.
    for (const { entity } of descriptorEntities)
      pool.set(entityRefKey(entity), entity);
  }
  if (portal && configFiles.length) {
    warnings.push(
      '--config only sets ODPS import defaults with --url: the portal applies its own rules',
    );
  }

  if (problems.length) throw new CheckInputError(problems);

  const reports: ProductReport[] = [];
  if (portal) {
    const definitions = await fetchPortalRules(options.url!, options.token);
    for (const local of products) {
      const entityRef = entityRefKey(local.entity);
      const verdict = await evaluateThroughPortal(
        options.url!,
        options.token,
        local.entity,
        facts ?? {},
        entityRef,
      );
      reports.push({
        entityRef,
        ...withoutDrafts(verdict),
        file: local.file,
        line: local.line,
        checkDefinitions: definitions?.checks ?? [],
        policies: definitions?.policies ?? [],
        unresolved: [],
      });
    }
  } else {
    const lookup = new LocalContractLookup([...pool.values()]);
    const findEntity = (ref: string) => pool.get(ref);
    const observedAt = Object.fromEntries(
      Object.keys(facts ?? {}).map(source => [source, now]),
    );
    for (const local of products) {
      const entityRef = entityRefKey(local.entity);
      const product = await withDraftRelations(
        local.entity as DataProductEntityV1alpha1,
        lookup,
      );
      const context = productRuleContext(product, {
        findEntity,
        facts,
        observedAt,
        now,
      });
      const verdict = evaluator!.evaluate(context, findEntity);
      const refs = productRelatedRefs(product);
      reports.push({
        entityRef,
        ...withoutDrafts(verdict),
        file: local.file,
        line: local.line,
        checkDefinitions: evaluator!.rules.checks,
        policies: evaluator!
          .policiesFor(context.domain as Entity | null, findEntity)
          .map(c => c.policy),
        unresolved: entityPaths.length
          ? [
              refs.domain,
              refs.owner,
              ...refs.upstream,
              ...contractRefs(product),
            ].filter(
              (ref, i, all): ref is string =>
                !!ref && !pool.has(ref) && all.indexOf(ref) === i,
            )
          : [],
      });
    }
  }
  return {
    products: reports,
    warnings,
    mode: portal ? 'portal' : 'local',
    entitiesResolved: portal || entityPaths.length > 0,
  };
}

/**
 * Checks the DataProducts of local descriptor files with the same engine, rules and lookups
 * as the portal, and returns each verdict without the draft policies (as the portal shows it
 * to anyone but governance admins). Throws a {@link CheckInputError} naming every problem with
 * the input (file, line and field).
 * @public
 */
export async function checkDescriptors(
  options: CheckDescriptorsOptions,
): Promise<DataProductVerdict[]> {
  const report = await runCheck(options);
  return report.products.map(({ entityRef, scorecard, governance }) => ({
    entityRef,
    scorecard,
    governance,
  }));
}
