// A listing's owner adds and edits its translations in a real browser (issue #13): from the
// listing page to the translations page, a new language added, an existing one edited, every
// field labelled, and nobody else gets the page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, DEMO, launch, openPage, screenshot, signIn } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function submit(page, form) {
  await Promise.all([page.waitForNavigation(), form.locator("button[type=submit]").click()]);
}

test("the owner adds and edits a translation; others are turned away", async () => {
  const { page, watcher, context } = await openPage(browser);
  await signIn(page, DEMO.university);
  await page.goto(`${BASE}/my`);
  await page.locator("[data-testid=my-achievements] tbody tr td a").first().click();
  await page.waitForLoadState();
  const listingPath = new URL(page.url()).pathname;
  await page.locator("[data-testid=translations-link]").click();
  await page.waitForLoadState();
  assert.equal(new URL(page.url()).pathname, `${listingPath}/translations`);
  const pagePath = new URL(page.url()).pathname;

  // Every field has a label a screen reader announces.
  const unlabelled = await page.evaluate(() =>
    Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea"))
      .filter((el) => !(el.labels && el.labels.length))
      .map((el) => el.name));
  assert.deepEqual(unlabelled, [], "every field has a label");

  // Add one in the first language offered, as a machine translation.
  const add = page.locator("[data-testid=add-translation]");
  const language = await add.locator("select[name=language] option").first().getAttribute("value");
  await add.locator("[name=title]").fill(`Máy thu hoạch mía (kiểm thử ${Date.now().toString(36)})`);
  await add.locator("[name=summary]").fill("Tự động điều chỉnh chiều cao cắt để giảm tạp chất.");
  await add.locator("[name=keywords]").fill("mía, máy thu hoạch");
  await add.locator("[name=provenance]").selectOption("machine");
  await screenshot(page, "translations");
  await submit(page, add);
  assert.equal(new URL(page.url()).pathname, pagePath);
  assert.equal(new URL(page.url()).searchParams.get("flash"), "saved");
  assert.ok(await page.locator("p.flash[role=status]").isVisible(), "the save is confirmed");
  // A published listing's new text waits for review; a draft's shows at once. Either way the
  // language is no longer offered as new only once it is stored, so only check when shown.
  const added = page.locator(`[data-testid=translation][data-language="${language}"]`);
  if (await added.count()) {
    assert.equal(await added.locator("[name=provenance]").inputValue(), "machine");
  }

  // Edit an existing translation (the first shown): a human now stands behind it.
  const existing = page.locator("[data-testid=translation] form").first();
  if (await existing.count()) {
    await existing.locator("[name=provenance]").selectOption("human");
    await submit(page, existing);
    assert.equal(new URL(page.url()).searchParams.get("flash"), "saved");
  }
  watcher.check();
  await context.close();

  // Signed out: sent to sign in. Another organisation: not found.
  const anon = await openPage(browser);
  await anon.page.goto(`${BASE}${pagePath}`);
  assert.equal(new URL(anon.page.url()).pathname, "/login");
  await anon.context.close();
  const other = await openPage(browser);
  await signIn(other.page, DEMO.enterprise);
  const res = await other.page.goto(`${BASE}${pagePath}`);
  assert.equal(res.status(), 404);
  await other.context.close();
});
