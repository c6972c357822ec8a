/**
 * Extension points for backend modules that extend the data mesh backend.
 *
 * @packageDocumentation
 */
export * from './factProviders';
