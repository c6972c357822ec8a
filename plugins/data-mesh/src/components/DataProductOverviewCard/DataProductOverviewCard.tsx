import { InfoCard, Link } from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  DataProductEntityV1alpha1,
  DataProductSupportChannel,
  isAllowedDescriptorUrl,
  parseDataMeshRef,
} from '@datamesh-portal/plugin-data-mesh-common';
import {
  Field,
  FieldList,
  StatusChip,
  formatIsoDuration,
  formatPercent,
} from '../shared';
import { DeprecationBanner } from './DeprecationBanner';

function yesNo(value: boolean | undefined) {
  if (value === undefined) return undefined;
  return value ? 'Yes' : 'No';
}

function SupportChannels(props: { channels: DataProductSupportChannel[] }) {
  return (
    <>
      {props.channels.map((support, index) => (
        <span key={`${support.channel}-${index}`}>
          {index > 0 && ', '}
          {/* An entity stored before URLs were checked may hold any scheme: text, not a link. */}
          {isAllowedDescriptorUrl(support.url) ? (
            <Link to={support.url}>{support.channel}</Link>
          ) : (
            support.channel
          )}
        </span>
      ))}
    </>
  );
}

/**
 * The headline facts of a data product: who owns it, where it lives, how far along it is, how
 * sensitive its data is, what it is for, its service levels and where to get help.
 * @public
 */
export function DataProductOverviewCard() {
  const { entity } = useEntity<DataProductEntityV1alpha1>();
  const { spec } = entity;
  const { freshness, availability } = spec.slos ?? {};
  return (
    <InfoCard title="Data product">
      {spec.status === 'deprecated' && <DeprecationBanner product={entity} />}
      <FieldList>
        <Field label="Domain">
          {spec.domain && (
            <EntityRefLink
              entityRef={parseDataMeshRef(spec.domain, 'domain', entity)}
            />
          )}
        </Field>
        <Field label="Owner">
          {spec.owner && (
            <EntityRefLink
              entityRef={parseDataMeshRef(spec.owner, 'owner', entity)}
            />
          )}
        </Field>
        <Field label="Status">
          <StatusChip status={spec.status} />
        </Field>
        <Field label="Type">{spec.type}</Field>
        <Field label="Version">{spec.version}</Field>
        <Field label="Classification">{spec.classification}</Field>
        <Field label="Personal data">{yesNo(spec.personalData)}</Field>
        <Field label="Freshness">
          {freshness && formatIsoDuration(freshness)}
        </Field>
        <Field label="Availability">
          {availability !== undefined ? formatPercent(availability) : undefined}
        </Field>
        <Field label="Purpose" wide>
          {spec.purpose}
        </Field>
        <Field label="Usage" wide>
          {spec.usage}
        </Field>
        <Field label="Limitations" wide>
          {spec.limitations}
        </Field>
        <Field label="Support" wide>
          {spec.support?.length ? (
            <SupportChannels channels={spec.support} />
          ) : undefined}
        </Field>
      </FieldList>
    </InfoCard>
  );
}
