import { expect, test } from '@playwright/test';
import {
  agreementsOf,
  API,
  closeOpenAgreements,
  sessionOf,
  signInAsGuest,
} from './helpers';

/*
 * Access to data with two identities: the guest (a member of privacy-office) requests access to
 * a port of staff-rostering, and Ines Moreau, a member of the team that owns it, approves it,
 * signed in through the e2e overlay's second provider (auth.providers.e2e-user). The guest then
 * sees the agreement active, the team among the product's consumers and the port's rows.
 */

const PRODUCT_REF = 'dataproduct:default/staff-rostering';
const PRODUCT = '/catalog/default/dataproduct/staff-rostering';
const CONSUMER = 'group:default/privacy-office';
const OWNER = 'user:default/ines-moreau';
// A member of clinical-data-team: neither an owner of staff-rostering nor a consumer.
const STRANGER = 'user:default/grace-nwosu';

test('a team requests access, an owner of the product approves it, and the team reads the rows', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(240_000);
  const shot = async (name: string) =>
    testInfo.attach(name, {
      body: await page.screenshot({ fullPage: true }),
      contentType: 'image/png',
    });
  await signInAsGuest(page);
  const guest = await sessionOf(request);
  const owner = await sessionOf(request, OWNER);

  // Start from no open agreement of the team: an earlier run's is closed by the owner.
  await closeOpenAgreements(request, owner, {
    productRef: PRODUCT_REF,
    consumerRef: CONSUMER,
  });

  // The guest asks, in the portal.
  await page.goto(PRODUCT);
  await page
    .getByRole('button', { name: 'Request access to port shifts' })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Request access' });
  await dialog.getByLabel(/Consumer/).click();
  await page.getByRole('option', { name: /privacy-office \(Group/ }).click();
  await dialog
    .getByLabel(/Purpose/)
    .fill('Audit who worked night shifts on wards with personal data access');
  await dialog.getByRole('button', { name: 'Request access' }).click();
  const done = page.getByRole('dialog', { name: 'Access requested' });
  await expect(done.getByText('requested', { exact: true })).toBeVisible();
  await done.getByRole('button', { name: 'Close' }).click();

  // The requester may not approve it; the owner may, and does.
  const [requested] = await agreementsOf(request, guest, {
    productRef: PRODUCT_REF,
    consumerRef: CONSUMER,
    states: ['requested'],
  });
  expect(requested.outputPort).toBe('shifts');
  const own = await request.post(
    `${API}/data-mesh/access-requests/${requested.id}/approve`,
    { headers: guest, data: {} },
  );
  expect(own.status()).toBe(403);
  const approved = await request.post(
    `${API}/data-mesh/access-requests/${requested.id}/approve`,
    { headers: owner, data: { comment: 'For the audit, until it ends.' } },
  );
  expect(approved.status(), await approved.text()).toBe(200);

  // The guest sees it active, with who decided.
  await page.goto(`${PRODUCT}/access`);
  const agreements = page.getByRole('region', { name: 'Usage agreements' });
  const row = agreements.getByRole('row', { name: /Privacy Office/ }).first();
  await expect(async () => {
    await page.reload();
    await expect(row.getByText('active', { exact: true })).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 60_000 });
  await row.getByRole('button', { name: 'History' }).click();
  await expect(row.getByText(/ines[- ]moreau/i).first()).toBeVisible();
  await shot('access-tab-active');

  // The port's rows, through the portal: the team's agreement lets it read them, someone of
  // another team gets a 403.
  await page.getByRole('button', { name: 'Show preview' }).first().click();
  const preview = page.getByRole('table', { name: /^Preview of / }).first();
  await expect(preview.getByRole('row').nth(1)).toBeVisible();
  await shot('access-tab-preview');
  const portPreview = `${API}/data-mesh/data/dataproduct/default/staff-rostering/ports/shifts/preview`;
  const stranger = await request.get(portPreview, {
    headers: await sessionOf(request, STRANGER),
  });
  expect(stranger.status()).toBe(403);

  // The team is among the product's consumers once the catalog has processed the agreement.
  await page.goto(PRODUCT);
  // Entity page tabs are links of the page's content navigation in Backstage 1.55.
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Lineage', exact: true })
    .click();
  const consumers = page
    .getByText('Consumers', { exact: true })
    .locator('xpath=ancestor::*[contains(@class, "MuiCard-root")][1]');
  await expect(async () => {
    await page.reload();
    await expect(
      consumers.getByRole('row', { name: /Privacy Office/ }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 180_000 });
  await expect(
    consumers.getByRole('row', { name: /Privacy Office/ }),
  ).toContainText('Group');
  await shot('consumers-card');
});
