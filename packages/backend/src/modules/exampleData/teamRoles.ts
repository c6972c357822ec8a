import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';

const DATABASE_ROLE_ANNOTATION = 'datamesh-portal.io/database-role';

/**
 * The database roles the example teams name (`datamesh-portal.io/database-role` on the Groups
 * of `<examples>/<organisation>/org.yaml`): usage agreements on the example data are granted
 * to them, so on PostgreSQL they must exist, as a team's DBA would have made them.
 */
export async function readExampleTeamRoles(
  examplesDirectory: string,
): Promise<string[]> {
  const roles = new Set<string>();
  const organisations = await fs.readdir(examplesDirectory, {
    withFileTypes: true,
  });
  for (const organisation of organisations.filter(e => e.isDirectory())) {
    const file = path.join(examplesDirectory, organisation.name, 'org.yaml');
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    for (const doc of YAML.parseAllDocuments(text)) {
      const entity = doc.toJS();
      const role = entity?.metadata?.annotations?.[DATABASE_ROLE_ANNOTATION];
      if (entity?.kind === 'Group' && typeof role === 'string') roles.add(role);
    }
  }
  return [...roles].sort();
}
