import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { SearchResultListItemBlueprint } from '@backstage/plugin-search-react/alpha';
import { DataProductSearchDocument } from '@datamesh-portal/plugin-data-mesh-common';
import { screen } from '@testing-library/react';
import { dataProductSearchResultListItem } from '../../alpha';
import { DataProductSearchResultListItem } from './DataProductSearchResultListItem';

const document: DataProductSearchDocument = {
  title: 'Patient Records',
  text: 'Identified patients and their encounters',
  searchTerms: ['patient-records', 'ehr', 'encounters'],
  location: '/catalog/default/dataproduct/patient-records',
  entityRef: 'dataproduct:default/patient-records',
  domainRef: 'domain:default/clinical',
  ownerRef: 'group:hospital/clinical-data',
  status: 'active',
  type: 'source-aligned',
  classification: 'restricted',
  personalData: true,
  tags: ['ehr'],
  score: 82,
  level: 'silver',
  compliant: false,
};

describe('DataProductSearchResultListItem', () => {
  it('shows the title as a link, the text and the domain, owner, status, level and compliance', async () => {
    await renderInTestApp(
      <DataProductSearchResultListItem result={document as any} />,
    );
    expect(
      screen.getByRole('link', { name: 'Patient Records' }),
    ).toHaveAttribute('href', '/catalog/default/dataproduct/patient-records');
    expect(
      screen.getByText('Identified patients and their encounters'),
    ).toBeInTheDocument();
    for (const label of [
      'Data product',
      'Domain: clinical',
      // Another namespace is named.
      'Owner: hospital/clinical-data',
      'active',
      'silver',
      'Not compliant',
    ]) {
      expect(screen.getByText(label)).toBeInTheDocument();
    }
  });

  it('marks the words that matched and says when a product has not been evaluated', async () => {
    await renderInTestApp(
      <DataProductSearchResultListItem
        result={
          { ...document, score: null, level: null, compliant: null } as any
        }
        highlight={{
          preTag: '<m>',
          postTag: '</m>',
          fields: { title: '<m>Patient</m> Records' },
        }}
      />,
    );
    expect(screen.getByText('Patient').tagName).toBe('MARK');
    expect(screen.getByText('Not evaluated yet')).toBeInTheDocument();
    expect(screen.queryByText('Not compliant')).not.toBeInTheDocument();
    expect(screen.queryByText('Compliant')).not.toBeInTheDocument();
  });

  it('renders only data product results in the new frontend system', () => {
    const { predicate } = createExtensionTester(
      dataProductSearchResultListItem,
    ).get(SearchResultListItemBlueprint.dataRefs.item);
    expect(predicate?.({ type: 'data-product', document } as any)).toBe(true);
    expect(predicate?.({ type: 'software-catalog', document } as any)).toBe(
      false,
    );
  });
});
