/**
 * Extension points for backend modules that extend the data mesh backend, and backend helpers
 * the data mesh plugins share.
 *
 * @packageDocumentation
 */
export * from './factProviders';
export * from './CatalogContractLookup';
export * from './rulesConfig';
export * from './ContractColumnIndex';
export * from './accessProvisioners';
export * from './outputPortProvisioners';
