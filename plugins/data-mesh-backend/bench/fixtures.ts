/*
 * Synthetic organisation of the scale benchmark: domains, teams, data products with lineage
 * and ODCS contracts, and Components of the same size for the processing cost comparison.
 */
import {
  Entity,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  RELATION_PROVIDES_API,
} from '@backstage/catalog-model';

export const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 10_000);
/** 5 domains of 2,000 products each at full size: the rollup target is for such a domain. */
export const DOMAINS = 5;
export const GROUPS = 50;
/** Fact sources per product: 10 × 10,000 products = 100,000 stored facts. */
export const FACT_SOURCES = [
  'freshness',
  'dbt',
  'contract_tests',
  'ci',
  'quality',
  'usage',
  'costs',
  'lineage_scan',
  'security_scan',
  'docs',
];

// The catalog requires every entity to name the location it came from.
const annotations = {
  'backstage.io/managed-by-location': 'url:https://bench.example.com/catalog',
  'backstage.io/managed-by-origin-location':
    'url:https://bench.example.com/catalog',
};

/** The contracts' data servers (`dataMesh.servers.<id>`): a bench configures one of them. */
export const DATA_SERVER_IDS = {
  duckdb: 'bench-duckdb',
  postgres: 'bench-postgres',
} as const;
/** The PostgreSQL database of the postgres data server. */
export const DATA_DATABASE = 'bench_contract_data';

/** The schema holding a product's table on its data server: one per domain. */
export function dataSchema(i: number): string {
  return `domain_${i % DOMAINS}`;
}

/**
 * A small valid ODCS v3.1.0 contract: our processor parses and validates it, and the contract
 * tests find its table (see dataServers.ts) on whichever of its two servers is configured.
 */
function odcsContract(i: number): string {
  return [
    'apiVersion: v3.1.0',
    'kind: DataContract',
    `id: product-${i}-contract`,
    `name: Product ${i} table`,
    'version: 1.0.0',
    'status: active',
    'servers:',
    `  - server: ${DATA_SERVER_IDS.duckdb}`,
    '    type: duckdb',
    '    database: bench-data.duckdb',
    `    schema: ${dataSchema(i)}`,
    `  - server: ${DATA_SERVER_IDS.postgres}`,
    '    type: postgres',
    '    host: 127.0.0.1',
    '    port: 5432',
    `    database: ${DATA_DATABASE}`,
    `    schema: ${dataSchema(i)}`,
    'schema:',
    `  - name: product_${i}`,
    '    physicalType: table',
    '    quality:',
    '      - metric: rowCount',
    '        mustBeGreaterThan: 0',
    '    properties:',
    '      - name: id',
    '        logicalType: string',
    '        required: true',
    '        primaryKey: true',
    '      - name: amount',
    '        logicalType: number',
    '        quality:',
    '          - metric: nullValues',
    '            mustBe: 0',
    '      - name: updated_at',
    '        logicalType: timestamp',
    'slaProperties:',
    '  - property: latency',
    '    value: 1',
    '    unit: d',
    `    element: product_${i}.updated_at`,
  ].join('\n');
}

export function hasContract(i: number): boolean {
  return i % 9 !== 0;
}

/** Products varied enough that checks and policies pass and fail, with lineage between them. */
export function dataProduct(i: number): Entity {
  const upstream = i >= 10 ? [`product-${i - 10}`, `product-${i - 7}`] : [];
  return {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: {
      name: `product-${i}`,
      namespace: 'default',
      title: `Product ${i}`,
      description:
        i % 7 ? `Synthetic product ${i} of the benchmark` : undefined,
      tags: i % 3 ? ['synthetic', `batch-${i % 10}`] : undefined,
      annotations,
    },
    spec: {
      owner: `group:default/group-${i % GROUPS}`,
      domain: `domain-${i % DOMAINS}`,
      status: ['active', 'active', 'active', 'draft', 'deprecated'][i % 5],
      ...(i % 5 === 4 ? { deprecation: { sunset: '2030-01-01' } } : {}),
      type: 'source-aligned',
      version: i % 4 ? '1.0.0' : undefined,
      purpose:
        i % 6 ? 'A synthetic product used to measure a scorecard pass.' : 'x',
      usage: i % 5 ? 'Read the table.' : undefined,
      limitations: i % 5 ? 'None known.' : undefined,
      classification: ['internal', 'confidential', 'restricted'][i % 3],
      personalData: i % 2 === 0,
      inputPorts: upstream.map(p => ({ name: p, dataProduct: p })),
      outputPorts: [
        {
          name: 'table',
          type: 'table',
          ...(hasContract(i) ? { contract: `product-${i}-contract` } : {}),
        },
      ],
      slos: i % 8 ? { freshness: 'PT24H', availability: 99.5 } : undefined,
      support: i % 4 ? [{ channel: 'chat', url: 'https://chat' }] : undefined,
    },
  };
}

/**
 * A Component of the same size as a product: the same metadata, an owner, a system, two
 * dependencies and a provided API, so the built-in processor emits as many relations as ours.
 */
export function component(i: number): Entity {
  const upstream = i >= 10 ? [`service-${i - 10}`, `service-${i - 7}`] : [];
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `service-${i}`,
      namespace: 'default',
      title: `Service ${i}`,
      description:
        i % 7 ? `Synthetic service ${i} of the benchmark` : undefined,
      tags: i % 3 ? ['synthetic', `batch-${i % 10}`] : undefined,
      annotations,
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: `group:default/group-${i % GROUPS}`,
      system: `system-${i % DOMAINS}`,
      dependsOn: upstream.map(c => `component:${c}`),
      providesApis: hasContract(i) ? [`product-${i}-contract`] : [],
    },
  };
}

export function contractApi(i: number): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name: `product-${i}-contract`,
      namespace: 'default',
      annotations,
    },
    spec: {
      type: 'odcs',
      lifecycle: 'production',
      owner: `group:default/group-${i % GROUPS}`,
      definition: odcsContract(i),
    },
  };
}

/** Everything the catalog of the benchmark holds. */
export function syntheticCatalog(): Entity[] {
  const entities: Entity[] = [];
  for (let d = 0; d < DOMAINS; d++) {
    entities.push({
      apiVersion: 'datamesh-portal.io/v1alpha1',
      kind: 'Domain',
      metadata: { name: `domain-${d}`, namespace: 'default', annotations },
      spec: { owner: `group:default/group-${d}` },
    });
  }
  for (let g = 0; g < GROUPS; g++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `group-${g}`, namespace: 'default', annotations },
      spec: { type: 'team', children: [] },
    });
  }
  for (let i = 0; i < PRODUCTS; i++) {
    entities.push(dataProduct(i));
    if (hasContract(i)) entities.push(contractApi(i));
  }
  return entities;
}

/**
 * The same catalog with the relations the catalog's processors would give the products, and
 * the etags its stitching would give every entity, for a catalog that does neither (the
 * in-memory one of the pass benchmark).
 */
export function catalogWithRelations(): Entity[] {
  const entities = syntheticCatalog();
  const productRef = (i: number) => `dataproduct:default/product-${i}`;
  for (const entity of entities) {
    // The catalog gives every entity an etag, which changes with it.
    entity.metadata.etag = `${entity.kind}-${entity.metadata.name}-1`;
    if (entity.kind !== 'DataProduct') continue;
    const i = Number(entity.metadata.name.slice('product-'.length));
    const upstream = i >= 10 ? [i - 10, i - 7] : [];
    const downstream = [i + 7, i + 10].filter(d => d < PRODUCTS);
    entity.relations = [
      {
        type: RELATION_OWNED_BY,
        targetRef: `group:default/group-${i % GROUPS}`,
      },
      {
        type: RELATION_PART_OF,
        targetRef: `domain:default/domain-${i % DOMAINS}`,
      },
      ...upstream.map(u => ({
        type: RELATION_DEPENDS_ON,
        targetRef: productRef(u),
      })),
      ...downstream.map(d => ({
        type: RELATION_DEPENDENCY_OF,
        targetRef: productRef(d),
      })),
      ...(hasContract(i)
        ? [
            {
              type: RELATION_PROVIDES_API,
              targetRef: `api:default/product-${i}-contract`,
            },
          ]
        : []),
    ];
  }
  return entities;
}
