export * from './constants';
export * from './DataProductEntityV1alpha1';
export * from './DataMeshDomainEntityV1alpha1';
export * from './relations';
export * from './refs';
export * from './dataProductLinks';
export * from './searchTerms';
export * from './urls';
