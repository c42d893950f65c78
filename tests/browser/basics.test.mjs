// The portal's basics in a real browser: a failed login, the language switch, search.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, DEMO, launch, openPage, screenshot, signIn } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("a wrong password is refused with a message and no session", async () => {
  const { page, watcher, context } = await openPage(browser);
  await page.goto(`${BASE}/login`);
  await page.locator("#f-email").fill(DEMO.enterprise);
  await page.locator("#f-password").fill("not-the-password");
  await page.locator("form[action='/login'] button[type=submit]").click();
  await page.waitForLoadState();
  await assert.doesNotReject(page.locator("[role=alert]").waitFor());
  assert.match(await page.locator("[role=alert]").innerText(), /邮箱或密码不正确/);
  assert.equal(new URL(page.url()).pathname, "/login");
  assert.equal((await context.cookies()).some((c) => c.name === "tm_session"), false);
  // The email stays, the password does not.
  assert.equal(await page.locator("#f-email").inputValue(), DEMO.enterprise);
  assert.equal(await page.locator("#f-password").inputValue(), "");
  watcher.check();
  await context.close();
});

test("the interface language switches and is remembered", async () => {
  const { page, watcher, context } = await openPage(browser);
  await page.goto(`${BASE}/`);
  assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
  assert.match(await page.locator("h1").innerText(), /科技成果/);
  await page.locator(".langs a[hreflang=en]").click();
  await page.waitForLoadState();
  assert.equal(await page.locator("html").getAttribute("lang"), "en");
  assert.match(await page.locator("h1").innerText(), /Research achievements/);
  // Remembered on the next visit.
  await page.goto(`${BASE}/login`);
  assert.equal(await page.locator("h1").innerText(), "Sign in");
  // Public pages also in Vietnamese and Thai.
  await page.goto(`${BASE}/`);
  await page.locator(".langs a[hreflang=vi]").click();
  await page.waitForLoadState();
  assert.equal(await page.locator("html").getAttribute("lang"), "vi");
  assert.match(await page.locator("button[type=submit]").first().innerText(), /Tìm/);
  watcher.check();
  await context.close();
});

test("search finds listings, filters by facet and opens a listing", async () => {
  const { page, watcher, context } = await openPage(browser);
  await page.goto(`${BASE}/`);
  await page.locator("#q").fill("甘蔗");
  await page.locator("form[role=search] button[type=submit]").click();
  await page.waitForLoadState();
  const hits = page.locator("article.hit");
  assert.ok(await hits.count() > 0, "sugarcane listings are in the sample data");
  assert.match(await page.locator("#results-heading").innerText(), /找到 \d+ 条结果/);
  await screenshot(page, "home");
  const first = hits.first().locator("h3 a");
  const title = (await first.innerText()).trim();
  await first.click();
  await page.waitForLoadState();
  assert.equal((await page.locator("h1").innerText()).trim(), title);
  watcher.check();
  await context.close();
});

test("keyboard first, phone width: skip link, visible focus, no sideways scrolling", async () => {
  const { page, watcher, context } = await openPage(browser, { width: 375, height: 740 });
  for (const path of ["/", "/login", "/dashboard", "/brokers"]) {
    await page.goto(`${BASE}${path}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} fits a phone screen (overflow ${overflow}px)`);
    // Every form control has a label a screen reader announces.
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea"))
        .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label"))
        .map((el) => el.name || el.id));
    assert.deepEqual(unlabelled, [], `${path}: every field has a label`);
  }
  await page.goto(`${BASE}/`);
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => ({ cls: document.activeElement.className, outline: getComputedStyle(document.activeElement).outlineStyle }));
  assert.equal(focused.cls, "skip", "the first Tab reaches the skip link");
  assert.notEqual(focused.outline, "none", "focus is visible");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "main");
  await screenshot(page, "home-phone");
  watcher.check();
  await context.close();
});
