/**
 * A quality rule of an ODCS contract, on the contract, a schema object or a property.
 * @public
 */
export type OdcsQualityRule = {
  id?: string;
  name?: string;
  description?: string;
  /** `library` (the default), `text`, `sql` or `custom`. */
  type?: string;
  dimension?: string;
  metric?: string;
  rule?: string;
  query?: string;
  engine?: string;
  implementation?: string | Record<string, unknown>;
  severity?: string;
  businessImpact?: string;
  unit?: string;
  mustBe?: unknown;
  mustNotBe?: unknown;
  mustBeGreaterThan?: number;
  mustBeGreaterOrEqualTo?: number;
  mustBeLessThan?: number;
  mustBeLessOrEqualTo?: number;
  mustBeBetween?: number[];
  mustNotBeBetween?: number[];
  schedule?: string;
  scheduler?: string;
  [field: string]: unknown;
};

/**
 * A property (column, field) of an ODCS schema object; objects and arrays nest properties.
 * @public
 */
export type OdcsSchemaProperty = {
  id?: string;
  name?: string;
  businessName?: string;
  description?: string;
  logicalType?: string;
  logicalTypeOptions?: Record<string, unknown>;
  physicalType?: string;
  physicalName?: string;
  required?: boolean;
  primaryKey?: boolean;
  primaryKeyPosition?: number;
  unique?: boolean;
  partitioned?: boolean;
  classification?: string;
  criticalDataElement?: boolean;
  examples?: unknown[];
  tags?: string[];
  quality?: OdcsQualityRule[];
  /** The properties of a property of logical type `object`. */
  properties?: OdcsSchemaProperty[];
  /** The items of a property of logical type `array`. */
  items?: OdcsSchemaProperty;
  [field: string]: unknown;
};

/**
 * A schema object of an ODCS contract: a table, view, topic, file... and its properties.
 * @public
 */
export type OdcsSchemaObject = OdcsSchemaProperty & {
  dataGranularityDescription?: string;
};

/** An SLA property of an ODCS contract, e.g. `latency` of `4` `d`. @public */
export type OdcsSlaProperty = {
  id?: string;
  property?: string;
  value?: string | number | boolean | null;
  valueExt?: string | number | boolean | null;
  unit?: string;
  element?: string;
  driver?: string;
  description?: string;
  [field: string]: unknown;
};

/** A server of an ODCS contract: where the data can be found. @public */
export type OdcsServer = {
  id?: string;
  server?: string;
  type?: string;
  description?: string;
  environment?: string;
  [field: string]: unknown;
};

/** A member of the team behind an ODCS contract. @public */
export type OdcsTeamMember = {
  username?: string;
  name?: string;
  description?: string;
  role?: string;
  dateIn?: string;
  dateOut?: string;
  replacedByUsername?: string;
  [field: string]: unknown;
};

/** A support channel of an ODCS contract. @public */
export type OdcsSupportChannel = {
  id?: string;
  channel?: string;
  url?: string;
  description?: string;
  tool?: string;
  scope?: string;
  invitationUrl?: string;
  [field: string]: unknown;
};

/** A custom property of an ODCS contract. @public */
export type OdcsCustomProperty = {
  id?: string;
  property?: string;
  value?: unknown;
  description?: string;
  [field: string]: unknown;
};

/**
 * An ODCS (Open Data Contract Standard) v3 contract, loosely typed: the fields the portal
 * reads. {@link validateOdcsContract} checks a document against the official v3.1.0 schema
 * before it is treated as one; fields not listed here are kept as they are.
 * @public
 */
export type OdcsContract = {
  id: string;
  version: string;
  apiVersion: string;
  kind: string;
  status: string;
  name?: string;
  tenant?: string;
  domain?: string;
  dataProduct?: string;
  description?: {
    purpose?: string;
    usage?: string;
    limitations?: string;
    [field: string]: unknown;
  };
  schema?: OdcsSchemaObject[];
  /**
   * Not allowed at the top level by the v3.1.0 schema (rules live on schema objects and
   * properties); typed for readers that collect rules from older documents.
   */
  quality?: OdcsQualityRule[];
  slaDefaultElement?: string;
  slaProperties?: OdcsSlaProperty[];
  servers?: OdcsServer[];
  /** A team object (v3.1.0) or, before v3.1.0, the list of its members. */
  team?:
    | {
        id?: string;
        name?: string;
        description?: string;
        members?: OdcsTeamMember[];
        [field: string]: unknown;
      }
    | OdcsTeamMember[];
  support?: OdcsSupportChannel[];
  tags?: string[];
  customProperties?: OdcsCustomProperty[];
  contractCreatedTs?: string;
  [field: string]: unknown;
};
