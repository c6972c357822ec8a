import { expect, Locator, Page, test, TestInfo } from '@playwright/test';
import { signInAsGuest } from './helpers';
import fs from 'node:fs';
import path from 'node:path';

/*
 * A data product's page, tab by tab, and the mesh's own pages, at 1400x900 and 1024x768: what a
 * person opening the example portal reads, with a screenshot of each attached to the report
 * (and written to PORTAL_SCREENSHOTS, when set, to look at). The home page, the catalog, the
 * domain map, Insight, search and the New data product form are in portal.test.ts.
 */

const VIEWPORTS = [
  { width: 1400, height: 900 },
  { width: 1024, height: 768 },
];

const PRODUCT = '/catalog/default/dataproduct/lab-results';

async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  await page.waitForLoadState('networkidle');
  const { width, height } = page.viewportSize()!;
  const file = `${name}-${width}x${height}`;
  const body = await page.screenshot({ fullPage: true });
  await testInfo.attach(file, { body, contentType: 'image/png' });
  const dir = process.env.PORTAL_SCREENSHOTS;
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${file}.png`), body);
  }
}

/** The entity page's tabs, as their labels, in order. */
function tabs(page: Page): Locator {
  return page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link');
}

async function tabLabels(page: Page): Promise<string[]> {
  await expect.soft(tabs(page).first()).toBeVisible();
  return (await tabs(page).allTextContents()).map(label => label.trim());
}

/** Opens a tab of the product page by clicking it, as a person does. */
async function openTab(page: Page, name: string) {
  const tab = page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name, exact: true });
  if ((await tab.count()) === 0) {
    // Reported by the tab order check above; open the tab by its path to see the rest.
    await page.goto(`${PRODUCT}/${name.toLocaleLowerCase('en-US')}`);
    return;
  }
  await tab.click();
}

/**
 * Elements of the page's main content that scroll inside themselves vertically (a card whose
 * text is cut at its own height) or whose text runs out of them horizontally.
 */
async function clippedElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const main = document.querySelector('main') ?? document.body;
    for (const element of Array.from(main.querySelectorAll<HTMLElement>('*'))) {
      // Text for screen readers only is hidden on purpose.
      if (element.offsetWidth <= 1 || element.offsetHeight <= 1) continue;
      const style = getComputedStyle(element);
      const scrollsVertically =
        ['auto', 'scroll'].includes(style.overflowY) &&
        element.scrollHeight > element.clientHeight + 2;
      const cutsText =
        style.overflowX === 'hidden' &&
        style.textOverflow !== 'ellipsis' &&
        element.scrollWidth > element.clientWidth + 2 &&
        element.children.length === 0 &&
        (element.textContent ?? '').trim().length > 0;
      if (scrollsVertically || cutsText) {
        found.push(
          `${element.tagName.toLowerCase()}.${String(element.className)
            .split(' ')
            .slice(0, 2)
            .join('.')}: ${(element.textContent ?? '').trim().slice(0, 60)}`,
        );
      }
    }
    return found;
  });
}

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.width}x${viewport.height}`, () => {
    test.use({ viewport });

    test('a data product page tells what it is, its schema, quality, lineage, access, governance and changes, one tab each', async ({
      page,
    }, testInfo) => {
      // Room for the first evaluation pass and the first contract test runs after start-up.
      test.setTimeout(300_000);
      await signInAsGuest(page);
      await page.goto(PRODUCT);

      // The tabs of a DataProduct, in this order; no TechDocs tab without docs.
      const labels = await tabLabels(page);
      expect
        .soft(labels.slice(0, 7))
        .toEqual([
          'Overview',
          'Schema',
          'Quality',
          'Lineage',
          'Access',
          'Governance',
          'Changes',
        ]);
      expect.soft(labels).not.toContain('TechDocs');

      // Overview: what it is, quality at a glance, its ports with Request access. Reads never
      // evaluate: reload until the first scheduled pass has reached the product.
      await expect(
        page.getByText('Data product', { exact: true }),
      ).toBeVisible();
      await expect(async () => {
        await page.reload();
        await expect(page.getByText('/ 100')).toBeVisible({ timeout: 5_000 });
      }).toPass({ timeout: 150_000 });
      await expect(page.getByText('Quality at a glance')).toBeVisible();
      await expect(
        page.getByRole('table', { name: 'Output ports' }),
      ).toBeVisible();
      expect.soft(await clippedElements(page)).toEqual([]);
      await screenshot(page, testInfo, 'product-overview');

      await openTab(page, 'Schema');
      await expect(page).toHaveURL(new RegExp(`${PRODUCT}/schema`));
      const columns = page.getByRole('table', { name: 'Columns of results' });
      await expect(columns).toBeVisible();
      await expect(
        columns.getByRole('row').filter({ hasText: 'patient_mrn' }),
      ).toContainText('restricted');
      expect.soft(await clippedElements(page)).toEqual([]);
      await screenshot(page, testInfo, 'product-schema');

      await openTab(page, 'Quality');
      await expect(page.getByText('Scorecard', { exact: true })).toBeVisible();
      await expect(
        page.getByText('Score trend', { exact: true }),
      ).toBeVisible();
      await expect(page.getByText('Contract tests').first()).toBeVisible();
      // Every column of the checks, the message included, without scrolling sideways.
      const checks = page.getByRole('region', { name: /^Checks of / }).first();
      await expect(
        checks.getByRole('columnheader', { name: 'Message' }),
      ).toBeVisible();
      expect(
        await checks.evaluate(region => {
          const table = region.querySelector('table')!;
          return table.scrollWidth - table.parentElement!.clientWidth;
        }),
      ).toBeLessThanOrEqual(0);
      expect.soft(await clippedElements(page)).toEqual([]);
      await screenshot(page, testInfo, 'product-quality');

      await openTab(page, 'Lineage');
      // Patient records upstream of the lab results.
      await expect(
        page.locator('svg').getByText('Patient Records').first(),
      ).toBeVisible();
      await screenshot(page, testInfo, 'product-lineage');

      await openTab(page, 'Access');
      await expect(page).toHaveURL(new RegExp(`${PRODUCT}/access`));
      await expect
        .soft(page.getByRole('button', { name: /Request access/ }).first())
        .toBeVisible();
      await screenshot(page, testInfo, 'product-access');

      await openTab(page, 'Governance');
      await expect(
        page.getByText(/^(Compliant|Not compliant)$/).first(),
      ).toBeVisible();
      // One outcome badge per policy, titles rather than ids, the rule behind a disclosure.
      const policies = page.getByRole('listitem').filter({
        has: page.locator('summary', { hasText: 'Rule' }),
      });
      await expect(policies.first()).toBeVisible();
      for (const policy of await policies.all()) {
        await expect.soft(policy.locator('.MuiChip-root')).toHaveCount(1);
      }
      await expect
        .soft(policies.first().locator('details code').first())
        .toBeHidden();
      expect.soft(await clippedElements(page)).toEqual([]);
      await screenshot(page, testInfo, 'product-governance');

      await openTab(page, 'Changes');
      await expect(page).toHaveURL(new RegExp(`${PRODUCT}/changes`));
      await expect(
        page.getByText(/lab-results-contract|Laboratory Results/).first(),
      ).toBeVisible();
      await screenshot(page, testInfo, 'product-changes');
    });

    test('the mesh pages read well', async ({ page }, testInfo) => {
      test.setTimeout(180_000);
      await signInAsGuest(page);

      await page.goto('/data-mesh/explorer');
      await expect
        .soft(page.getByRole('tab', { name: 'Explorer' }))
        .toBeVisible();
      await screenshot(page, testInfo, 'explorer');

      await page.goto('/data-mesh/governance');
      await expect
        .soft(page.getByText(/products? compl/i).first())
        .toBeVisible();
      await screenshot(page, testInfo, 'governance-dashboard');

      await page.goto('/data-mesh/my-access');
      await expect
        .soft(page.getByRole('tab', { name: 'My access' }))
        .toBeVisible();
      await screenshot(page, testInfo, 'my-access');

      await page.goto('/catalog/default/api/lab-results-contract/contract');
      await expect
        .soft(page.getByText('Data contract', { exact: true }))
        .toBeVisible();
      await screenshot(page, testInfo, 'contract');

      await page.goto('/catalog/default/domain/clinical');
      await expect
        .soft(page.getByText('Data products', { exact: true }))
        .toBeVisible();
      await screenshot(page, testInfo, 'domain');

      await page.goto('/catalog/default/group/clinical-data-team');
      await expect.soft(page.getByText('Data products').first()).toBeVisible();
      await screenshot(page, testInfo, 'team');
    });
  });
}
