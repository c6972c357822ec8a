import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DocumentCollatorFactory } from '@backstage/plugin-search-common';
import {
  DATA_PRODUCT_SEARCH_TYPE,
  DataMeshApiClient,
  DataProductSearchDocument,
  entityRefKey,
  MAX_SCORECARD_REFS,
  productRelatedRefs,
  ScorecardSummary,
  dataProductSearchTerms,
  textOrNull as text,
} from '@datamesh-portal/plugin-data-mesh-common';
import { ContractColumnIndex } from '@datamesh-portal/plugin-data-mesh-node';
import chunk from 'lodash/chunk';
import { Readable } from 'node:stream';

/** Products read from the catalog, and scored, per request. */
const BATCH_SIZE = 500;

/** Options of {@link DataProductCollatorFactory}. @public */
export interface DataProductCollatorFactoryOptions {
  auth: AuthService;
  discovery: DiscoveryService;
  catalog: CatalogService;
  /** Where a product's page is; `:namespace` and `:name` are replaced. */
  locationTemplate?: string;
}

/**
 * Collates the catalog's data products for the portal's search, each with its domain, owner,
 * status and classification from the catalog and its latest score, level and compliance from
 * the data mesh backend. A result is shown only to those who may read the product in the
 * catalog.
 * @public
 */
export class DataProductCollatorFactory implements DocumentCollatorFactory {
  readonly type = DATA_PRODUCT_SEARCH_TYPE;
  readonly visibilityPermission = catalogEntityReadPermission;

  // Kept across collations: a contract is parsed again only when it changes.
  private readonly contractColumns = new ContractColumnIndex();
  private readonly dataMesh: DataMeshApiClient;

  constructor(private readonly options: DataProductCollatorFactoryOptions) {
    this.dataMesh = new DataMeshApiClient({ discoveryApi: options.discovery });
  }

  async getCollator(): Promise<Readable> {
    return Readable.from(this.execute());
  }

  private async *execute(): AsyncGenerator<DataProductSearchDocument> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    let cursor: string | undefined;
    do {
      const page = await this.options.catalog.queryEntities(
        cursor
          ? { cursor, limit: BATCH_SIZE }
          : { filter: { kind: 'DataProduct' }, limit: BATCH_SIZE },
        { credentials },
      );
      const scorecards = await this.scorecards(page.items);
      const columns = await this.contractColumnsOf(page.items, credentials);
      for (const [i, product] of page.items.entries()) {
        yield this.document(product, scorecards[i], columns);
      }
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
  }

  /** The latest results of the products, in order; null where none is stored yet. */
  private async scorecards(
    products: Entity[],
  ): Promise<Array<ScorecardSummary | null>> {
    if (products.length === 0) return [];
    const { auth } = this.options;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'data-mesh',
    });
    const items: Array<ScorecardSummary | null> = [];
    for (const part of chunk(products, MAX_SCORECARD_REFS)) {
      // A failure (a ResponseError) keeps the previous index, whose levels are stale but
      // true; indexing without levels would make every product look unscored.
      const page = await this.dataMesh.getScorecardsByRefs(
        {
          body: {
            entityRefs: part.map(p => stringifyEntityRef(p)),
          },
        },
        { token },
      );
      items.push(...page.items);
    }
    return items;
  }

  /** The column names of the products' contracts by contract ref, in one catalog request. */
  private async contractColumnsOf(
    products: Entity[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, string[]>> {
    const refs = [
      ...new Set(products.flatMap(p => productRelatedRefs(p).contracts)),
    ];
    if (refs.length === 0) return new Map();
    const { items } = await this.options.catalog.getEntitiesByRefs(
      {
        entityRefs: refs,
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.etag',
          'spec.definition',
        ],
      },
      { credentials },
    );
    return new Map(
      refs.map((ref, i) => {
        const api = items[i];
        return [ref, api ? this.contractColumns.columnsOf(ref, api) : []];
      }),
    );
  }

  private document(
    product: Entity,
    scorecard: ScorecardSummary | null,
    columnsByContract: Map<string, string[]>,
  ): DataProductSearchDocument {
    const spec = (product.spec ?? {}) as Record<string, unknown>;
    const { domain, owner, contracts } = productRelatedRefs(product);
    const contractColumns = contracts.flatMap(
      ref => columnsByContract.get(ref) ?? [],
    );
    const namespace = product.metadata.namespace ?? 'default';
    const tags = product.metadata.tags ?? [];
    return {
      title: product.metadata.title ?? product.metadata.name,
      // What the result shows under the title; the rest it is found by is in searchTerms.
      text: [text(product.metadata.description), text(spec.purpose)]
        .filter(Boolean)
        .join('\n'),
      searchTerms: dataProductSearchTerms(product, contractColumns),
      location: (
        this.options.locationTemplate ?? '/catalog/:namespace/dataproduct/:name'
      )
        .replace(':namespace', encodeURIComponent(namespace))
        .replace(':name', encodeURIComponent(product.metadata.name))
        .toLocaleLowerCase('en-US'),
      entityRef: entityRefKey(product),
      domainRef: domain ?? null,
      ownerRef: owner ?? null,
      status: text(spec.status),
      type: text(spec.type),
      classification: text(spec.classification),
      personalData: spec.personalData === true,
      tags,
      score: scorecard?.score ?? null,
      level: scorecard?.level ?? null,
      compliant: scorecard?.compliant ?? null,
      // The search backend shows a result only to callers who may read this entity.
      authorization: { resourceRef: stringifyEntityRef(product) },
    };
  }
}
