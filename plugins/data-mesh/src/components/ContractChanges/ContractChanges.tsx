import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  ContractVersionDiffResponse,
  ContractVersionsResponse,
  dataMeshApiRef,
} from '../../api';
import { useEntityPresentation } from '@backstage/plugin-catalog-react';
import {
  formatCount,
  formatDateTime,
  SimpleTable,
  Tone,
  ToneChip,
} from '../shared';

type Change = ContractVersionDiffResponse['changes'][number];
type Version = ContractVersionsResponse['items'][number];

const SEVERITY: Record<Change['severity'], { tone: Tone; label: string }> = {
  breaking: { tone: 'error', label: 'Breaking' },
  'non-breaking': { tone: 'info', label: 'Non-breaking' },
  patch: { tone: 'neutral', label: 'Patch' },
};

const BUMP_LABELS: Record<ContractVersionDiffResponse['required'], string> = {
  major: 'a major version',
  minor: 'a minor version',
  patch: 'a patch version',
  none: 'no new version',
};

/** A change's severity as a coloured chip. */
export function SeverityChip(props: { severity: Change['severity'] }) {
  const { tone, label } = SEVERITY[props.severity] ?? SEVERITY.breaking;
  return <ToneChip tone={tone} label={label} />;
}

/** What the changes need, what the version declares, and whether it covers them. */
function VersionVerdict(props: { diff: ContractVersionDiffResponse }) {
  const { diff } = props;
  const counts = (['breaking', 'non-breaking', 'patch'] as const)
    .map(severity => ({
      severity,
      count: diff.changes.filter(c => c.severity === severity).length,
    }))
    .filter(c => c.count > 0);
  let verdict: string;
  if (diff.versionProblem) {
    verdict = `The version could not be judged: ${diff.versionProblem}`;
  } else if (diff.covered) {
    verdict = `The changes need ${BUMP_LABELS[diff.required]}; ${
      diff.from.version
    } to ${diff.to.version} covers them.`;
  } else {
    verdict = `The changes need ${BUMP_LABELS[diff.required]}, but ${
      diff.from.version
    } to ${diff.to.version} is ${BUMP_LABELS[diff.declared]}.`;
  }
  return (
    <Box mb={2}>
      <Box display="flex" flexWrap="wrap" gridGap={8} mb={1}>
        {counts.map(({ severity, count }) => (
          <ToneChip
            key={severity}
            tone={SEVERITY[severity].tone}
            label={`${count} ${severity}`}
          />
        ))}
        {counts.length === 0 && <ToneChip tone="neutral" label="No changes" />}
      </Box>
      <Alert severity={diff.covered ? 'success' : 'warning'}>{verdict}</Alert>
    </Box>
  );
}

/** The changes between two definitions, breaking ones first. */
export function ContractDiff(props: {
  contractRef: string;
  from?: string;
  to?: string;
}) {
  const dataMeshApi = useApi(dataMeshApiRef);
  const { contractRef, from, to } = props;
  const diff = useAsync(
    () => dataMeshApi.diffContractVersions(contractRef, { from, to }),
    [dataMeshApi, contractRef, from, to],
  );
  if (diff.loading) return <Progress />;
  if (diff.error) return <ResponseErrorPanel error={diff.error} />;
  const value = diff.value!;
  return (
    <Box>
      <Typography variant="h6" component="h3" gutterBottom>
        Changes from {value.from.version} to {value.to.version}
      </Typography>
      <VersionVerdict diff={value} />
      {value.changes.length > 0 && (
        <SimpleTable
          label={`Changes from ${value.from.version} to ${value.to.version}`}
          headers={['Severity', 'Rule', 'Where', 'What changed']}
          nowrap={['Severity', 'Rule']}
          rows={value.changes.map((change, index) => ({
            key: `${index}`,
            cells: [
              <SeverityChip severity={change.severity} />,
              <code>{change.rule}</code>,
              <code style={{ wordBreak: 'break-word' }}>{change.path}</code>,
              change.message,
            ],
          }))}
        />
      )}
    </Box>
  );
}

/**
 * The history of one data contract: the definitions the portal has seen (newest first, each
 * with when it was first seen) and the changes of the chosen one from the definition before
 * it, each with its severity for consumers. `initial` chooses the pair shown first (by
 * content hash or version), as a link from a notification does.
 * @public
 */
export function ContractChanges(props: {
  contractRef: string;
  title?: string;
  initial?: { from?: string; to?: string };
}) {
  const dataMeshApi = useApi(dataMeshApiRef);
  const { contractRef } = props;
  const [pair, setPair] = useState<{ from?: string; to?: string } | undefined>(
    props.initial,
  );
  const versions = useAsync(
    () => dataMeshApi.listContractVersions(contractRef),
    [dataMeshApi, contractRef],
  );
  // The contract's title, as the catalog presents it (its name until loaded).
  const presentation = useEntityPresentation(contractRef);
  const title = props.title ?? presentation.primaryTitle;

  if (versions.loading) return <Progress />;
  if (versions.error) return <ResponseErrorPanel error={versions.error} />;
  const items = versions.value?.items ?? [];
  if (items.length === 0) {
    return (
      <InfoCard title={title}>
        <Typography variant="body2">
          No definition recorded yet: the portal records each definition of a
          contract when it first sees it in the catalog.
        </Typography>
      </InfoCard>
    );
  }
  const chosen = pair ?? (items.length > 1 ? { to: items[0].hash } : undefined);
  const isChosen = (version: Version) =>
    chosen?.to === version.hash || chosen?.to === version.version;
  return (
    <InfoCard
      title={title}
      subheader={`${formatCount(items.length, 'version')} recorded`}
    >
      <SimpleTable
        label={`Versions of ${title}`}
        headers={['Version', 'First seen', 'Content', 'Changes']}
        nowrap={['Version', 'First seen', 'Content']}
        rows={items.map((version, index) => {
          const previous = items[index + 1];
          return {
            key: version.hash,
            cells: [
              <Typography
                variant="body2"
                style={{ fontWeight: isChosen(version) ? 700 : undefined }}
              >
                {version.version}
                {index === 0 ? ' (latest)' : ''}
              </Typography>,
              formatDateTime(version.firstSeenAt),
              <code title={version.hash}>{version.hash.slice(0, 12)}</code>,
              previous ? (
                <Button
                  size="small"
                  color="primary"
                  variant={isChosen(version) ? 'contained' : 'text'}
                  aria-pressed={isChosen(version)}
                  onClick={() =>
                    setPair({ from: previous.hash, to: version.hash })
                  }
                >
                  From {previous.version}
                </Button>
              ) : (
                <Typography variant="body2" color="textSecondary">
                  First version
                </Typography>
              ),
            ],
          };
        })}
      />
      <Box style={{ marginTop: 32 }}>
        {chosen ? (
          <ContractDiff contractRef={contractRef} {...chosen} />
        ) : (
          <Typography variant="body2" color="textSecondary">
            One definition so far: nothing to compare yet.
          </Typography>
        )}
      </Box>
    </InfoCard>
  );
}
