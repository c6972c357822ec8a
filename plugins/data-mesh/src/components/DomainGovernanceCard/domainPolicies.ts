import { Entity } from '@backstage/catalog-model';
import {
  DomainPolicy,
  entityRefKey,
  GovernancePolicy,
  mergePolicies,
} from '@datamesh-portal/plugin-data-mesh-common';

/** A policy of the domain as it stands, and what hides it if its id is already in force. */
export interface OwnPolicy {
  policy: GovernancePolicy;
  /** A global or parent-domain policy with the same id, which wins. */
  shadowedBy?: GovernancePolicy;
}

/** The policies a domain's products inherit: global ones and those of each parent domain. */
export interface InheritedPolicies {
  global: number;
  parents: Array<{ domain: Entity; policies: number }>;
}

/** A domain's `spec.policies` with the defaults the backend fills in. */
export function ownPolicies(domain: Entity): GovernancePolicy[] {
  const definitions = (domain.spec as { policies?: unknown } | undefined)
    ?.policies;
  if (!Array.isArray(definitions)) return [];
  return (definitions as DomainPolicy[]).map(definition => ({
    ...definition,
    title: definition.title ?? definition.id,
    severity: definition.severity ?? 'error',
    enforcement: definition.enforcement ?? 'enforce',
    origin: 'domain' as const,
    domainRef: entityRefKey(domain),
  }));
}

/**
 * What is in force for the products of a domain, by the backend's own merge: global policies
 * first, then each domain from the root down to this one, a policy whose id is already in force
 * being ignored. Retired policies count for the merge but are not in force.
 */
export function resolveDomainPolicies(
  domain: Entity,
  parentsRootFirst: Entity[],
  rules: GovernancePolicy[],
): { own: OwnPolicy[]; inherited: InheritedPolicies } {
  const ofDomain = (d: Entity) =>
    rules
      .filter(p => p.origin === 'domain' && p.domainRef === entityRefKey(d))
      .map(policy => ({ policy }));
  const own = ownPolicies(domain);
  const { policies, shadowed } = mergePolicies(
    rules.filter(p => p.origin === 'global').map(policy => ({ policy })),
    [...parentsRootFirst.map(ofDomain), own.map(policy => ({ policy }))],
  );
  const inForce = policies
    .map(compiled => compiled.policy)
    .filter(policy => policy.enforcement !== 'retired');
  const count = (keep: (policy: GovernancePolicy) => boolean) =>
    inForce.filter(keep).length;
  return {
    own: own.map(policy => ({
      policy,
      shadowedBy: shadowed.find(s => s.policy === policy)?.by,
    })),
    inherited: {
      global: count(p => p.origin === 'global'),
      parents: parentsRootFirst.map(parent => ({
        domain: parent,
        policies: count(p => p.domainRef === entityRefKey(parent)),
      })),
    },
  };
}
