import { APIRequestContext, expect, Page } from '@playwright/test';

/** Enters as the guest on the sign-in page and waits for the signed-in sidebar. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/** The backend, which serves the app too in CI and beside the dev server locally. */
export const API = 'http://localhost:7007/api';

/**
 * Headers of a backend session: the guest's, or a catalog user's by the e2e provider (retried
 * while the catalog has not read the example organisation yet, just after start).
 */
export async function sessionOf(request: APIRequestContext, userRef?: string) {
  let token = '';
  await expect(async () => {
    const res = await request.get(
      `${API}/auth/${userRef ? 'e2e-user' : 'guest'}/refresh`,
      {
        headers: {
          'X-Requested-With': 'XMLHttpRequest',
          ...(userRef ? { 'x-e2e-user': userRef } : {}),
        },
      },
    );
    expect(res.status(), await res.text()).toBe(200);
    token = (await res.json()).backstageIdentity.token;
  }).toPass({ timeout: 120_000 });
  return { Authorization: `Bearer ${token}` };
}

/** The usage agreements of a consumer on a product, in the given states. */
export async function agreementsOf(
  request: APIRequestContext,
  headers: Record<string, string>,
  agreement: { productRef: string; consumerRef: string; states: string[] },
) {
  const query = new URLSearchParams({
    productRef: agreement.productRef,
    consumerRef: agreement.consumerRef,
  });
  for (const state of agreement.states) query.append('state', state);
  const res = await request.get(`${API}/data-mesh/access-requests?${query}`, {
    headers,
  });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()).items as Array<{
    id: string;
    state: string;
    outputPort: string;
  }>;
}

/**
 * Rejects or revokes every open agreement of a consumer on a product (one open agreement per
 * port and consumer): a test that requests access starts from none, whatever an earlier test
 * or run left. `headers` are of someone who may decide: an owner or a governance admin.
 */
export async function closeOpenAgreements(
  request: APIRequestContext,
  headers: Record<string, string>,
  agreement: { productRef: string; consumerRef: string },
) {
  for (const open of await agreementsOf(request, headers, {
    ...agreement,
    states: ['requested', 'approved', 'active', 'failed'],
  })) {
    const action = open.state === 'requested' ? 'reject' : 'revoke';
    const res = await request.post(
      `${API}/data-mesh/access-requests/${open.id}/${action}`,
      { headers, data: { comment: 'closed before a test requests access' } },
    );
    expect(res.status(), await res.text()).toBe(200);
  }
}

/** Picks an option of an autocomplete field of a form (a catalog entity, say). */
export async function pickOption(page: Page, label: string, option: string) {
  const input = page.getByRole('textbox', { name: label, exact: true });
  await input.click();
  await input.fill(option);
  await page.getByRole('option', { name: option }).first().click();
}

/**
 * Clicks Next through a template's steps to its last one, whose button reads Review. Each
 * click waits for the step to change: the button is disabled while a step validates (on the
 * backend, for some fields) and then reads Review, so a click sent before the step changed
 * could wait for a Next that never comes back.
 */
export async function nextToLastStep(page: Page) {
  const button = page.getByRole('button', { name: /^(Next|Review)$/ });
  // The stepper's label of the step shown (Material UI's class: the label has no role).
  const active = page.locator('.MuiStepLabel-active');
  for (let step = 0; step < 10; step++) {
    await expect(button).toBeEnabled();
    if ((await button.textContent())?.trim() === 'Review') return;
    const title = (await active.textContent()) ?? '';
    await button.click();
    await expect(active).not.toHaveText(title);
  }
  throw new Error('The template has no Review button after 10 steps');
}
