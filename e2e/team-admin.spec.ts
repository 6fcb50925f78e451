import { expect, test, type Page } from '@playwright/test';
import { agentPassword, ensureAgent, shots, signIn, signInAs } from './helpers.ts';

const viewport = { width: 1280, height: 860 };

async function openTeamPanel(page: Page) {
  await page.goto('/admin/team');
  await expect(page.getByTestId('team-panel')).toBeVisible();
}

function agentRow(page: Page, email: string) {
  return page.locator(`[data-testid="agent-row"][data-agent-email="${email}"]`);
}

/** F28 issue 14: an admin invites a colleague, who joins from the link; deactivating them ends their tab. */
test('invite → the invitee sets a password and lands signed in; deactivation signs their tab out', async ({
  browser,
}) => {
  const email = `nadia.${Date.now() % 100000}@acme.test`;
  const adminContext = await browser.newContext({ locale: 'en-GB', viewport });
  const inviteeContext = await browser.newContext({ locale: 'fr-FR', viewport });
  try {
    const admin = await adminContext.newPage();
    await signIn(admin);
    await openTeamPanel(admin);

    await admin.getByTestId('team-invite-open').click();
    await admin.getByTestId('invite-email').fill(email);
    await admin.getByTestId('invite-name').fill('Nadia Benali');
    await admin.getByTestId('invite-submit').click();
    const linkBox = admin.getByTestId('password-link-url');
    await expect(linkBox).toContainText('/invite/');
    await admin.screenshot({ path: `${shots}/team-invite-link-en.png`, fullPage: true });
    const link = (await linkBox.textContent())!.trim();
    await admin.getByTestId('password-link-done').click();
    await expect(agentRow(admin, email).getByTestId('agent-status')).toHaveText('Invited');

    // The invitee opens the link in their own browser, in French, and chooses a password.
    const invitee = await inviteeContext.newPage();
    await invitee.goto(link);
    await expect(invitee.getByText('Bienvenue, Nadia Benali')).toBeVisible();
    await invitee.getByTestId('link-password').fill('court');
    await invitee.getByTestId('link-password-confirm').fill('court');
    await invitee.getByTestId('link-submit').click();
    await expect(invitee.getByText('Au moins 10 caractères.')).toBeVisible();
    await invitee.screenshot({ path: `${shots}/team-invite-accept-fr.png`, fullPage: true });
    await invitee.getByTestId('link-password').fill(agentPassword);
    await invitee.getByTestId('link-password-confirm').fill(agentPassword);
    await invitee.getByTestId('link-submit').click();
    await expect(invitee.getByTestId('view-all')).toBeVisible();
    await expect(invitee.locator('[data-realtime-status="live"]')).toBeVisible();
    await invitee.screenshot({ path: `${shots}/team-invitee-signed-in-fr.png`, fullPage: true });

    // The link worked once: opened again, it explains itself.
    const again = await inviteeContext.newPage();
    await again.goto(link);
    await expect(again.getByTestId('password-link-invalid')).toBeVisible();
    await again.close();

    await admin.reload();
    await expect(agentRow(admin, email).getByTestId('agent-status')).toHaveText('Active');
    await admin.screenshot({ path: `${shots}/team-panel-en.png`, fullPage: true });

    // Deactivation: the invitee's open tab is sent to sign-in by the socket's close, without a click.
    await agentRow(admin, email).getByTestId('agent-actions').click();
    await admin.getByTestId('action-deactivate').click();
    await admin.getByTestId('confirm-action').click();
    await expect(agentRow(admin, email).getByTestId('agent-status')).toHaveText('Deactivated');
    await expect(invitee).toHaveURL(/\/sign-in$/, { timeout: 10_000 });
    await invitee.screenshot({ path: `${shots}/team-deactivated-signed-out-fr.png`, fullPage: true });
    await admin.screenshot({ path: `${shots}/team-deactivated-en.png`, fullPage: true });
  } finally {
    await adminContext.close();
    await inviteeContext.close();
  }
});

test('the last admin cannot demote themselves, and is told why', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'fr-FR', viewport });
  try {
    const admin = await context.newPage();
    await signIn(admin);
    await openTeamPanel(admin);
    const self = admin.locator('[data-testid="agent-row"]').filter({ hasText: '(vous)' });
    await self.getByTestId('agent-actions').click();
    await admin.getByTestId('action-edit').click();
    await admin.getByTestId('agent-role').click();
    await admin.getByRole('option', { name: 'Responsable' }).click();
    await admin.getByTestId('edit-agent-save').click();
    await expect(admin.getByTestId('edit-agent-error')).toContainText('dernier admin actif');
    await admin.screenshot({ path: `${shots}/team-last-admin-fr.png`, fullPage: true });
  } finally {
    await context.close();
  }
});

for (const language of ['en', 'fr'] as const) {
  test(`profile edit and password change (${language})`, async ({ browser }) => {
    const email = `profile.${language}@acme.test`;
    ensureAgent(email, `Camille ${language.toUpperCase()}`, 'agent');
    const context = await browser.newContext({ locale: language === 'fr' ? 'fr-FR' : 'en-GB', viewport });
    try {
      const page = await context.newPage();
      await signInAs(page, email, agentPassword);
      await page.getByTestId('nav-profile').click();
      await expect(page.getByTestId('profile-page')).toBeVisible();

      // The profile's language becomes the desk's.
      const other = language === 'fr' ? 'en' : 'fr';
      await page.getByTestId('profile-name').fill(`Camille Martin ${language}`);
      await page.getByTestId('profile-initials').fill('^CM');
      await page.getByTestId('profile-language').click();
      await page
        .getByRole('listbox')
        .getByRole('option', { name: other === 'fr' ? 'Français' : 'English' })
        .click();
      await page.getByTestId('profile-notify-breaches').uncheck();
      await page.getByTestId('profile-save').click();
      await expect(page.getByTestId('profile-saved')).toBeVisible();
      await expect(page.getByTestId('nav-profile')).toContainText(`Camille Martin ${language}`);
      await expect(page.locator('html')).toHaveAttribute('lang', other);
      await page.screenshot({ path: `${shots}/profile-saved-${language}-to-${other}.png`, fullPage: true });

      // Back to the test's language for the rest.
      await page.getByTestId('profile-language').click();
      await page
        .getByRole('listbox')
        .getByRole('option', { name: language === 'fr' ? 'Français' : 'English' })
        .click();
      await page.getByTestId('profile-save').click();
      await expect(page.locator('html')).toHaveAttribute('lang', language);

      // A wrong current password is refused; the right one changes it.
      const next = `${agentPassword} renewed`;
      await page.getByTestId('password-current').fill('not my password');
      await page.getByTestId('password-new').fill(next);
      await page.getByTestId('password-confirm').fill(next);
      await page.getByTestId('password-submit').click();
      await expect(page.getByTestId('password-error')).toBeVisible();
      await page.getByTestId('password-current').fill(agentPassword);
      await page.getByTestId('password-submit').click();
      await expect(page.getByTestId('password-changed')).toBeVisible();
      await expect(page.locator('[data-testid="session-row"][data-current="true"]')).toHaveCount(1);
      await page.screenshot({ path: `${shots}/profile-password-changed-${language}.png`, fullPage: true });

      // Signed out, the old password no longer opens the desk; the new one does.
      await page.goto('/');
      await page.getByRole('button', { name: language === 'fr' ? 'Se déconnecter' : 'Sign out', exact: true }).click();
      await page.getByLabel(/e-?mail/i).fill(email);
      await page.getByLabel(/password|mot de passe/i).fill(agentPassword);
      await page.getByRole('button', { name: /sign in|se connecter/i }).click();
      await expect(page.getByRole('alert')).toBeVisible();
      await page.screenshot({ path: `${shots}/profile-old-password-refused-${language}.png`, fullPage: true });
      await page.getByLabel(/password|mot de passe/i).fill(next);
      await page.getByRole('button', { name: /sign in|se connecter/i }).click();
      await expect(page.getByTestId('view-all')).toBeVisible();
    } finally {
      await context.close();
    }
  });
}
