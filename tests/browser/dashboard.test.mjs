// The dashboard at a laptop's and a phone's width: no card is wider than itself (a table that
// cannot fit scrolls inside its .table-wrap), the page never scrolls sideways, and at 1280 px
// no table needs to scroll at all. Also the output/absorption switch keeps the year.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, DEMO, launch, openPage, signIn } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** What sticks out on the page: cards wider than their box, tables scrolling in their wrap. */
async function overflow(page) {
  return page.evaluate(() => {
    const name = (el) => el.id || el.querySelector("h2")?.textContent?.trim() || el.className;
    return {
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      cards: [...document.querySelectorAll("main .card")]
        .filter((el) => el.scrollWidth > el.clientWidth + 1)
        .map(name),
      scrolling: [...document.querySelectorAll("main .table-wrap")]
        .filter((el) => el.scrollWidth > el.clientWidth + 1)
        .map((el) => name(el.closest(".card") ?? el)),
    };
  });
}

for (const [who, width] of [["public", 1280], ["operator", 1280], ["public", 390], ["operator", 390]]) {
  test(`the dashboard fits ${width} px (${who})`, async () => {
    const { page, watcher, context } = await openPage(browser, { width, height: 900 });
    if (who === "operator") await signIn(page, DEMO.operator);
    for (const basis of ["output", "absorption"]) {
      await page.goto(`${BASE}/dashboard?year=2025&basis=${basis}`);
      const o = await overflow(page);
      assert.equal(o.page, 0, `the page scrolls sideways at ${width} px (${basis})`);
      assert.deepEqual(o.cards, [], `cards overflow at ${width} px (${basis})`);
      if (width >= 1280) assert.deepEqual(o.scrolling, [], `tables scroll at ${width} px (${basis})`);
    }
    watcher.check();
    await context.close();
  });
}

test("the side switch keeps the year and the sample history fills 2025", async () => {
  const { page, watcher, context } = await openPage(browser);
  await page.goto(`${BASE}/dashboard?year=2025`);
  const output = await page.locator("[data-testid=turnover-actual]").innerText();
  assert.notEqual(output, "0.00", "2025 is not empty after the first start");
  await page.locator("[data-testid=basis-switch] a", { hasText: "技术吸纳" }).click();
  await page.waitForLoadState();
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("year"), "2025");
  assert.equal(url.searchParams.get("basis"), "absorption");
  assert.notEqual(await page.locator("[data-testid=turnover-actual]").innerText(), output);
  watcher.check();
  await context.close();
});
