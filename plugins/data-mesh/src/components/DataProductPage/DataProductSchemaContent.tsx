import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  ContractCheckResult,
  ContractTestsResponse,
  DataProductEntityV1alpha1,
  flattenProperties,
  listOf,
  OdcsContract,
  OdcsQualityRule,
  OdcsSchemaObject,
  OdcsSchemaProperty,
  readOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { ReactNode, useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { ContractCheckOutcomeChip } from '../DataProductContractTests/ContractCheckTable';
import { RunTime } from '../DataProductContractTests/ContractTestsCard';
import { formatThresholds } from '../OdcsContract/odcs';
import { ProvisionedTables } from '../ProvisionedTables';
import { formatValue, SimpleTable } from '../shared';
import { PortContract, useProductContracts } from './useProductContracts';

const text = formatValue;

/** Failures first: the outcome a column shows is the worst of its checks. */
const SEVERITY: Record<string, number> = {
  fail: 0,
  error: 1,
  pass: 2,
  skipped: 3,
};

function worstOutcome(checks: ContractCheckResult[]): string | undefined {
  return checks
    .map(check => check.outcome as string)
    .sort((a, b) => (SEVERITY[a] ?? 1) - (SEVERITY[b] ?? 1))[0];
}

/**
 * A quality rule in words: its description, then what it measures ("Must not contain null
 * values (nullValues must be 0)").
 */
function ruleText(rule: OdcsQualityRule): string {
  const what =
    text(rule.name) ??
    text(rule.metric ?? rule.rule) ??
    text(rule.type) ??
    'quality rule';
  const thresholds = formatThresholds(rule);
  const measures = thresholds ? `${what} ${thresholds}` : what;
  const description = text(rule.description);
  return description ? `${description} (${measures})` : measures;
}

/** "Required, primary key (1), unique": what the contract promises about a column. */
function constraints(property: OdcsSchemaProperty): string | undefined {
  const parts = [
    property.required && 'required',
    property.primaryKey &&
      (typeof property.primaryKeyPosition === 'number' &&
      property.primaryKeyPosition > 0
        ? `primary key (${property.primaryKeyPosition})`
        : 'primary key'),
    property.unique && 'unique',
    property.criticalDataElement && 'critical data element',
  ].filter((part): part is string => Boolean(part));
  if (parts.length === 0) return undefined;
  const sentence = parts.join(', ');
  return sentence.charAt(0).toLocaleUpperCase('en-US') + sentence.slice(1);
}

function checkLabel(check: ContractCheckResult): string {
  return check.name ? `${check.metric} (${check.name})` : check.metric;
}

/**
 * The latest measured result of a column: one outcome badge (the worst of its checks), the
 * failing checks with what was measured, and which checks passed.
 */
function ColumnResult(props: {
  checks: ContractCheckResult[];
  tested: boolean;
}) {
  const { checks, tested } = props;
  const outcome = worstOutcome(checks);
  if (!outcome) {
    return (
      <Typography variant="caption" color="textSecondary">
        {tested ? 'No check on this column' : 'Not tested yet'}
      </Typography>
    );
  }
  const notPassing = checks.filter(c => c.outcome !== 'pass');
  const passing = checks.filter(c => c.outcome === 'pass');
  return (
    <Box display="flex" flexDirection="column" alignItems="flex-start">
      <ContractCheckOutcomeChip outcome={outcome} />
      {notPassing.map((check, index) => (
        <Typography key={index} variant="caption" component="p">
          <strong>{checkLabel(check)}</strong>
          {check.message ? `: ${check.message}` : ''}
        </Typography>
      ))}
      {passing.length > 0 && (
        <Typography variant="caption" color="textSecondary" component="p">
          Passed: {passing.map(checkLabel).join(', ')}
        </Typography>
      )}
    </Box>
  );
}

function Identifier(props: { children: ReactNode; depth?: number }) {
  return (
    <Typography
      variant="body2"
      component="code"
      style={{
        paddingLeft: (props.depth ?? 0) * 16,
        fontFamily: 'monospace',
        fontWeight: 'bold',
        wordBreak: 'break-word',
      }}
    >
      {props.children}
    </Typography>
  );
}

/** One table (schema object) of a contract: its columns and its table-level checks. */
function SchemaObjectTable(props: {
  object: OdcsSchemaObject;
  checks: ContractCheckResult[] | undefined;
}) {
  const { object, checks } = props;
  const name = text(object.name) ?? 'Unnamed object';
  const ofObject = (checks ?? []).filter(c => c.object === name);
  const tableChecks = ofObject.filter(c => !c.property);
  const tableRules = listOf<OdcsQualityRule>(object.quality);
  const rows = flattenProperties(object.properties).map(
    ({ property, path, depth }) => {
      const rules = listOf<OdcsQualityRule>(property.quality);
      // The contract tests name a column by its property name; nested properties are not tested.
      const columnChecks =
        depth === 0
          ? ofObject.filter(c => c.property === text(property.name))
          : [];
      return {
        key: path,
        cells: [
          <>
            <Identifier depth={depth}>{text(property.name)}</Identifier>
            {property.description && (
              <Typography
                variant="caption"
                color="textSecondary"
                component="p"
                style={{ paddingLeft: depth * 16 }}
              >
                {text(property.description)}
              </Typography>
            )}
          </>,
          <>
            <Typography variant="body2">
              {text(property.logicalType) ?? '—'}
            </Typography>
            {property.physicalType && (
              <Typography variant="caption" color="textSecondary">
                {text(property.physicalType)}
              </Typography>
            )}
          </>,
          constraints(property),
          text(property.classification),
          rules.length > 0 ? (
            <>
              {rules.map((rule, index) => (
                <Typography key={index} variant="caption" component="p">
                  {ruleText(rule)}
                </Typography>
              ))}
            </>
          ) : undefined,
          <ColumnResult checks={columnChecks} tested={Boolean(checks)} />,
        ],
      };
    },
  );
  return (
    <Box component="section" mb={3} aria-label={`Table ${name}`}>
      <Typography variant="h6" component="h4">
        <Identifier>{name}</Identifier>
      </Typography>
      {(object.physicalName || object.description) && (
        <Typography variant="body2" color="textSecondary" paragraph>
          {[
            object.physicalName && `Physical name ${text(object.physicalName)}`,
            text(object.description),
          ]
            .filter(Boolean)
            .join(' · ')}
        </Typography>
      )}
      {rows.length > 0 ? (
        <SimpleTable
          label={`Columns of ${name}`}
          headers={[
            'Column',
            'Type',
            'Constraints',
            'Classification',
            'Quality rules',
            'Latest result',
          ]}
          nowrap={['Type']}
          rows={rows}
        />
      ) : (
        <Typography variant="body2" color="textSecondary">
          The contract describes no columns of this table.
        </Typography>
      )}
      {(tableChecks.length > 0 || tableRules.length > 0) && (
        <Box mt={1} component="section" aria-label={`Table checks of ${name}`}>
          <Typography variant="subtitle2" component="h5">
            Table checks
          </Typography>
          {tableRules.map((rule, index) => (
            <Typography key={`rule-${index}`} variant="body2" component="p">
              Rule: {ruleText(rule)}
            </Typography>
          ))}
          {tableChecks.map((check, index) => (
            <Box
              key={`check-${index}`}
              display="flex"
              alignItems="center"
              gridGap={8}
              mt={0.5}
            >
              <ContractCheckOutcomeChip outcome={check.outcome} />
              <Typography variant="body2">
                {checkLabel(check)}
                {check.message ? `: ${check.message}` : ''}
              </Typography>
            </Box>
          ))}
        </Box>
      )}
    </Box>
  );
}

function parse(definition: unknown): OdcsContract | Error {
  try {
    if (typeof definition !== 'string') {
      throw new Error('The API entity has no contract definition.');
    }
    return readOdcsContract(definition);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The schema of one output port's contract, with the latest run's results per column. */
function PortSchema(props: {
  contract: PortContract;
  tests: ContractTestsResponse | undefined;
}) {
  const { contract, tests } = props;
  const definition = contract.api?.spec?.definition;
  const parsed = useMemo(() => parse(definition), [definition]);
  const latest = tests?.contracts.find(
    c => c.contractRef === contract.contractRef,
  )?.latest;
  // Non-breaking spaces: the subheader lays its parts out as flex items, which drop spaces
  // at their edges.
  const subheader = (
    <>
      Contract{'\u00a0'}
      {contract.api ? (
        <EntityRefLink entityRef={contract.api} />
      ) : (
        <code>{contract.contractRef ?? contract.contractId}</code>
      )}
      {!(parsed instanceof Error) && parsed.version
        ? `\u00a0· version ${text(parsed.version)}`
        : ''}
      {latest ? (
        <>
          {'\u00a0· tested '}
          <RunTime timestamp={latest.finishedAt} />
          {latest.server ? ` on ${latest.server}` : ''}
        </>
      ) : (
        '\u00a0· not tested yet'
      )}
    </>
  );
  let content: ReactNode;
  if (!contract.api) {
    content = (
      <Typography variant="body2" color="textSecondary">
        The catalog has no API entity for this contract, so its schema is
        unknown.
      </Typography>
    );
  } else if (parsed instanceof Error) {
    content = (
      <WarningPanel
        severity="error"
        title="Could not read the data contract"
        message={parsed.message}
      />
    );
  } else {
    const objects = listOf<OdcsSchemaObject>(parsed.schema);
    content =
      objects.length > 0 ? (
        objects.map((object, index) => (
          <SchemaObjectTable
            key={`${text(object.name)}-${index}`}
            object={object}
            checks={latest?.checks}
          />
        ))
      ) : (
        <Typography variant="body2" color="textSecondary">
          The contract describes no tables.
        </Typography>
      );
  }
  return (
    <InfoCard title={`Output port ${contract.port}`} subheader={subheader}>
      {content}
    </InfoCard>
  );
}

/**
 * The "Schema" tab of a data product: for each output port, the tables and columns its
 * contract promises (types, constraints, classification, quality rules) with what the latest
 * contract test run measured on each column. Its owners also see the provisioned tables of the
 * ports against their contracts, and can apply a non-breaking change to them.
 * @public
 */
export function DataProductSchemaContent() {
  const { entity } = useEntity<DataProductEntityV1alpha1>();
  const entityRef = stringifyEntityRef(entity);
  const dataMeshApi = useApi(dataMeshApiRef);
  const contracts = useProductContracts(entity);
  // Results are a bonus on this tab: without them the schema still shows.
  const tests = useAsync(
    () => dataMeshApi.getContractTests(entityRef),
    [dataMeshApi, entityRef],
  );

  if (contracts.error) return <ResponseErrorPanel error={contracts.error} />;
  if (contracts.loading || !contracts.value) return <Progress />;
  if (contracts.value.length === 0) {
    return (
      <InfoCard title="Schema">
        <Typography variant="body2">
          None of this product's output ports names a data contract, so there is
          no schema to show. A port's contract is an API entity of{' '}
          <code>spec.type: odcs</code> that describes its tables and columns.
        </Typography>
      </InfoCard>
    );
  }
  return (
    <Grid container spacing={3}>
      {tests.error && (
        <Grid item xs={12}>
          <Alert severity="warning">
            The latest contract test results could not be loaded:{' '}
            {tests.error.message}
          </Alert>
        </Grid>
      )}
      {contracts.value.map(contract => (
        <Grid item xs={12} key={contract.port}>
          <PortSchema contract={contract} tests={tests.value} />
        </Grid>
      ))}
      <Grid item xs={12}>
        <ProvisionedTables
          entity={entity}
          contracts={contracts.value.map(c => ({
            port: c.port,
            contractRef: c.contractRef,
            definition: c.api?.spec?.definition,
          }))}
        />
      </Grid>
    </Grid>
  );
}
