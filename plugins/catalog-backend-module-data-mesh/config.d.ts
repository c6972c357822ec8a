export interface Config {
  dataMesh?: {
    /** ODPS (Bitol Open Data Product Standard) documents as a catalog source. */
    odps?: {
      /**
       * Whether catalog locations may point at ODPS documents, which become DataProduct
       * entities. It installs the catalog's entity data parser, of which there can be only one:
       * turn it off if another module installs its own. Default true.
       */
      catalogSource?: boolean;
      /**
       * Owner of an imported product whose document has no `team.name`. Default
       * `group:unassigned`; governance flags such products.
       */
      defaultOwner?: string;
      /** Domain of an imported product whose document has no `domain`. Default `unassigned`. */
      defaultDomain?: string;
    };
    governance?: {
      /**
       * The most policies a Domain may have in `spec.policies`; a Domain with more is
       * refused, naming `spec.policies`. Default 50. The data mesh backend evaluates no more
       * than this many of a domain's policies either.
       */
      maxPoliciesPerDomain?: number;
    };
  };
}
