import { expect, Page, test, TestInfo } from '@playwright/test';

async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/** Attaches a screenshot to the report, where people look at what the test saw. */
async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  await testInfo.attach(name, {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  });
}

test('a guest finds a data product, its contract and its domain', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);

  await page.goto('/?filters[kind]=dataproduct&filters[user]=all');
  await expect(page.getByText(/All DataProducts \(\d+\)/)).toBeVisible();
  await page.getByPlaceholder('Search').fill('patient records');
  const productLink = page.getByRole('link', {
    name: 'Patient Records',
    exact: true,
  });
  await expect(productLink).toBeVisible();
  await screenshot(page, testInfo, 'catalog-data-products');

  await productLink.click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/dataproduct\/patient-records/,
  );
  await expect(page.getByText('Data product', { exact: true })).toBeVisible();
  await expect(page.getByText('Personal data', { exact: true })).toBeVisible();
  await expect(page.getByText('restricted', { exact: true })).toBeVisible();
  const outputPorts = page.getByRole('table', { name: 'Output ports' });
  await expect(outputPorts.getByRole('row')).toHaveCount(2);
  // Lineage: the de-identified records are built on this product.
  await expect(
    page.getByRole('link', { name: 'De-identified Patient Records' }).first(),
  ).toBeVisible();
  await expect(
    page.locator('svg').getByText('Laboratory Results').first(),
  ).toBeVisible();
  // The scorecard: the first scheduled pass runs a few seconds after the backend starts.
  await expect(async () => {
    await page.reload();
    await expect(page.getByText('/ 100')).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByText('Scorecard', { exact: true })).toBeVisible();
  await expect(page.getByText('Score trend', { exact: true })).toBeVisible();
  await screenshot(page, testInfo, 'data-product-page');

  await outputPorts.getByRole('link').first().click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/api\/patient-records-contract/,
  );
  await page.getByRole('link', { name: 'Contract', exact: true }).click();
  await expect(page.getByText('Data contract', { exact: true })).toBeVisible();
  await expect(
    page.getByRole('table', { name: /properties/i }).first(),
  ).toBeVisible();
  await screenshot(page, testInfo, 'contract');

  await page.goto('/catalog/default/domain/clinical');
  await expect(page.getByText('Data products', { exact: true })).toBeVisible();
  // Listed by the domain's products card and, once evaluated, by its scorecard rollup.
  await expect(
    page.getByRole('link', { name: 'Patient Records', exact: true }).first(),
  ).toBeVisible();
  await expect(
    page.getByText('Data product scorecards', { exact: true }),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Patient Records', exact: true }),
  ).toHaveCount(2);
  await screenshot(page, testInfo, 'domain');
});
