import { expect, test } from '@playwright/test';

test('a guest finds an example data product in the catalog and opens it', async ({
  page,
}) => {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();

  await page.goto('/?filters[kind]=dataproduct&filters[user]=all');
  const productLink = page.getByRole('link', {
    name: 'Patient Records',
    exact: true,
  });
  await expect(productLink).toBeVisible();
  await page.screenshot({
    path: 'e2e-test-report/catalog-data-products.png',
    fullPage: true,
  });

  await productLink.click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/dataproduct\/patient-records/,
  );
  const card = page.locator('article', { hasText: 'Data product' }).first();
  await expect(card.getByText('Owner', { exact: true })).toBeVisible();
  await expect(card.getByText('restricted', { exact: true })).toBeVisible();
  await page.screenshot({
    path: 'e2e-test-report/data-product-page.png',
    fullPage: true,
  });
});
