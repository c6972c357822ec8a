import { expect, test } from '@playwright/test';

test('a guest finds an example data product in the catalog and opens it', async ({
  page,
}, testInfo) => {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();

  await page.goto('/?filters[kind]=dataproduct&filters[user]=all');
  await expect(page.getByText(/All DataProducts \(\d+\)/)).toBeVisible();
  await page.getByPlaceholder('Search').fill('patient records');
  const productLink = page.getByRole('link', {
    name: 'Patient Records',
    exact: true,
  });
  await expect(productLink).toBeVisible();
  await testInfo.attach('catalog-data-products', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  });

  await productLink.click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/dataproduct\/patient-records/,
  );
  await expect(page.getByText('Data product', { exact: true })).toBeVisible();
  // Fields only the data mesh overview card shows.
  await expect(page.getByText('Personal data', { exact: true })).toBeVisible();
  await expect(page.getByText('restricted', { exact: true })).toBeVisible();
  await testInfo.attach('data-product-page', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  });
});
