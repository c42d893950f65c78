// The whole loop in a real browser, each role in its own session: a university registers and
// posts an achievement (after an inline validation error), an enterprise posts a need, the
// operator publishes both, the need shows the achievement as a match with reasons, a broker
// opens a deal from it and moves it to signed, the contract is drafted, submitted for
// registration and registered, and the dashboard's turnover rises by exactly its amount.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, DEMO, launch, openPage, reloadUntil, screenshot, signIn } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// A unified social credit code with its check character (GB 32100-2015), so each run can
// register a new organisation.
const USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function creditCode(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC.indexOf(first17[i]) * WEIGHTS[i];
  return first17 + USCC[(31 - (sum % 31)) % 31];
}

/** "1,234,567.89" → 123456789 (fen), exactly. */
function fen(text) {
  const m = text.trim().replace(/,/g, "").match(/^(\d+)\.(\d{2})$/);
  assert.ok(m, `an amount with two decimals: ${text}`);
  return BigInt(m[1]) * 100n + BigInt(m[2]);
}

async function turnover(page) {
  await page.goto(`${BASE}/dashboard`);
  return fen(await page.locator("[data-testid=turnover-actual]").first().innerText());
}

async function submitForm(page, buttonLocator) {
  await Promise.all([page.waitForNavigation(), buttonLocator.click()]);
}

async function fill(page, fields) {
  for (const [name, value] of Object.entries(fields)) {
    const input = page.locator(`[name="${name}"]`).first();
    const tag = await input.evaluate((el) => el.tagName.toLowerCase());
    if (tag === "select") await input.selectOption(value);
    else await input.fill(value);
  }
}

test("post → publish → match → deal → contract → registration → dashboard", async () => {
  const stamp = Date.now().toString(36).toUpperCase();
  const achievementTitle = `木薯收获机低损伤挖掘装置（浏览器测试 ${stamp}）`;
  const needTitle = `木薯机械化收获低损伤挖掘技术需求（浏览器测试 ${stamp}）`;
  const contractAmountYuan = "386000.50";

  const anon = await openPage(browser);
  const before = await turnover(anon.page);

  // 1. A private university registers (not state-funded: no publicity window).
  const uni = await openPage(browser);
  await uni.page.goto(`${BASE}/signup`);
  const serial = String(Date.now() % 10_000_000).padStart(7, "0");
  await fill(uni.page, {
    org_name: `桂南理工学院（浏览器测试 ${stamp}）`,
    org_kind: "university",
    country: "CN",
    region_code: "450200",
    credit_code: creditCode(`52450200MJ${serial}`),
    display_name: "成果转化办公室",
    email: `tto-${stamp.toLowerCase()}@guinan.test`,
    password: "browser-test-password",
  });
  await submitForm(uni.page, uni.page.locator("form[action='/signup'] button[type=submit]"));
  assert.equal(new URL(uni.page.url()).pathname, "/my");

  // 2. It posts an achievement; an empty title is refused next to the field first.
  await uni.page.goto(`${BASE}/achievements/new`);
  await submitForm(uni.page, uni.page.locator("main form button[type=submit]").last());
  const titleInput = uni.page.locator("[name=title]");
  assert.equal(await titleInput.getAttribute("aria-invalid"), "true", "the title is marked invalid");
  const describedBy = await titleInput.getAttribute("aria-describedby");
  assert.ok(describedBy, "the error is tied to the field");
  assert.ok((await uni.page.locator(`#${describedBy}`).innerText()).trim().length > 0, "the error says why");
  await fill(uni.page, {
    title: achievementTitle,
    summary: "木薯收获机挖掘铲自适应入土深度控制，块根损伤率降低40%，适用于丘陵旱地。",
    description: "由液压仿形挖掘铲、入土深度传感器和控制器组成，已在广西木薯主产区完成两季田间试验。",
    language: "zh",
    industry: "modern_agriculture",
    keywords: "木薯收获机, 挖掘铲, 低损伤",
    ipc_codes: "A01D 25/04",
    trl: "6",
    ip_type: "invention_patent",
    region_code: "450200",
  });
  await submitForm(uni.page, uni.page.locator("main form button[type=submit]").last());
  await submitForm(uni.page, uni.page.locator("form[action$='/submit'] button[type=submit]"));

  // 3. The demo enterprise posts a need for it and submits it.
  const ent = await openPage(browser);
  await signIn(ent.page, DEMO.enterprise);
  await ent.page.goto(`${BASE}/needs/new`);
  await fill(ent.page, {
    title: needTitle,
    summary: "寻求木薯机械化收获低损伤挖掘技术，块根损伤率降低30%以上。",
    description: "我公司生产木薯收获机，现有挖掘铲在黏重土壤中块根损伤率高，寻求挖掘铲入土深度自适应控制技术。",
    language: "zh",
    industry: "modern_agriculture",
    keywords: "木薯收获机, 挖掘铲, 低损伤",
    ipc_codes: "A01D 25/04",
    min_trl: "5",
    region_code: "450200",
  });
  await submitForm(ent.page, ent.page.locator("main form button[type=submit]").last());
  await submitForm(ent.page, ent.page.locator("form[action$='/submit'] button[type=submit]"));
  const needId = ent.page.url().match(/needs\/([0-9a-f-]{36})/)?.[1];
  assert.ok(needId, `the need's id is in the URL: ${ent.page.url()}`);

  // 4. The operator publishes both from the review queue.
  const op = await openPage(browser);
  await signIn(op.page, DEMO.operator);
  for (const title of [needTitle, achievementTitle]) {
    await op.page.goto(`${BASE}/console`);
    const row = op.page.locator("tr, li, section, article").filter({ hasText: title }).last();
    await submitForm(op.page, row.locator("form[action^='/console/reviews/'] button[type=submit]").first());
  }

  // 5. The enterprise's need shows the achievement as a match, with reasons.
  await ent.page.goto(`${BASE}/needs/${needId}`);
  const match = () => ent.page.locator("[data-testid=match]").filter({ hasText: achievementTitle });
  await reloadUntil(ent.page, match);
  assert.ok(await match().locator("ul.reasons li.pro").count() >= 2, "reasons for the match");
  assert.match(await match().innerText(), /A01D25|木薯收获机/);
  await ent.page.locator("#matches-h").scrollIntoViewIfNeeded();
  await ent.page.evaluate(() => window.scrollBy(0, -120));
  await screenshot(ent.page, "listing");

  // 6. A broker opens a deal from the match and moves it to signed.
  const broker = await openPage(browser);
  await signIn(broker.page, DEMO.broker);
  await broker.page.goto(`${BASE}/needs/${needId}`);
  const brokerMatch = broker.page.locator("[data-testid=match]").filter({ hasText: achievementTitle });
  await submitForm(broker.page, brokerMatch.locator("form[action='/deals/from-match'] button"));
  assert.match(broker.page.url(), /\/deals\/[0-9a-f-]{36}/);
  const dealUrl = broker.page.url().split("?")[0];
  for (const stage of ["contacted", "nda", "negotiating", "agreed", "signed"]) {
    await broker.page.locator("#f-stage").selectOption(stage);
    await submitForm(broker.page, broker.page.locator(`form[action$='/stage'] button[type=submit]`).first());
  }
  await broker.page.goto(`${BASE}/broker`);
  await screenshot(broker.page, "broker-board");

  // 7. The contract: drafted from the deal, then submitted for registration.
  await broker.page.goto(`${dealUrl}/contract/new`);
  await fill(broker.page, {
    title: "木薯收获机低损伤挖掘技术转让合同",
    contract_number: `BT-${stamp}`,
    contract_amount: contractAmountYuan,
    tech_amount: contractAmountYuan,
    currency: "CNY",
  });
  await broker.page.locator("#f-subtype").selectOption({ label: "专利权转让" });
  await submitForm(broker.page, broker.page.locator("main form button[type=submit]").last());
  if (!/\/contracts\/[0-9a-f-]{36}/.test(broker.page.url())) {
    assert.fail(`the contract was refused: ${await broker.page.locator("main").innerText()}`);
  }
  await submitForm(broker.page, broker.page.locator("form[action$='/registration'] button[type=submit]"));

  // 8. The operator registers it.
  await op.page.goto(`${BASE}/console/registrations`);
  const reg = op.page.locator("form.console-register").filter({ has: op.page.locator("button") }).first();
  await submitForm(op.page, reg.locator("button[type=submit]"));

  // 9. The dashboard's turnover rose by exactly the contract amount.
  const expected = before + fen(contractAmountYuan);
  let now = before;
  for (let i = 0; i < 60 && now !== expected; i++) {
    await anon.page.waitForTimeout(500);
    now = await turnover(anon.page);
  }
  assert.equal(now, expected, "turnover rises by exactly the contract amount");
  await screenshot(anon.page, "dashboard");
  // The year with the seeded 1200 亿元 target, drawn against its projection.
  await anon.page.goto(`${BASE}/dashboard?year=2025`);
  assert.match(await anon.page.locator("[data-testid=turnover-target]").innerText(), /1,200\.00 亿元/);
  await screenshot(anon.page, "dashboard-target");

  for (const s of [anon, uni, ent, op, broker]) {
    s.watcher.check();
    await s.context.close();
  }
});
