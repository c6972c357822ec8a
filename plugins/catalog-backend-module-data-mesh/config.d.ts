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
  };
}
