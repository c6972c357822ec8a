export interface Config {
  /** Settings of the example portal itself (not of the data mesh plugins). */
  dataMeshPortal?: {
    /**
     * Users and groups (entity refs, e.g. group:default/data-governance-council) who decide
     * waivers and see draft policies. Members of a listed group qualify through their
     * ownership claims.
     */
    governanceAdmins?: string[];
  };
}
