// Innovation vouchers in a real browser (issue #16): the operator sets up a programme, an
// enterprise applies, the operator approves; a university publishes a pilot-scale service, the
// enterprise orders it, the university quotes, the enterprise accepts and pays part with the
// voucher; the university attaches its test report to the order; the operator sees the
// redemption in the programme's report.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, DEMO, launch, openPage, screenshot, signIn } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PROGRAMME = `中试创新券（浏览器测试）${Date.now()}`;
const SERVICE = `甘蔗渣发酵中试 browser-${Date.now()}`;

/** Submits the form with `testid` and waits for the redirect that carries a flash. */
async function submit(page, testid, button = "button[type=submit]") {
  await Promise.all([page.waitForURL(/flash=/), page.locator(`[data-testid=${testid}] ${button}`).first().click()]);
}

test("an enterprise pays part of a pilot-scale order with a voucher; the operator sees it in the report", async () => {
  const op = await openPage(browser);
  const ent = await openPage(browser);
  const uni = await openPage(browser);
  await signIn(op.page, DEMO.operator);
  await signIn(ent.page, DEMO.enterprise);
  await signIn(uni.page, DEMO.university);

  // The operator sets up a programme paying half the price up to 2,000 yuan for pilot-scale work.
  await op.page.goto(`${BASE}/console/vouchers`);
  await op.page.locator("#f-name").fill(PROGRAMME);
  await op.page.locator("#f-issuer").fill("广西科技厅");
  await op.page.locator("#f-budget").fill("100000");
  await op.page.locator("#f-share_percent").fill("50");
  await op.page.locator("#f-cap").fill("2000");
  await op.page.locator("#f-kind_pilot_scale").check();
  await submit(op.page, "programme-form");
  const programmeUrl = new URL(op.page.url()).pathname;
  assert.match(programmeUrl, /^\/console\/vouchers\/[0-9a-f-]{36}$/);

  // The enterprise applies; the operator approves.
  await ent.page.goto(`${BASE}/vouchers`);
  const card = ent.page.locator("[data-testid=programme]", { hasText: PROGRAMME });
  await card.locator("input[name=purpose]").fill("甘蔗渣发酵中试");
  await Promise.all([ent.page.waitForURL(/flash=submitted/), card.locator("button[type=submit]").click()]);
  assert.match(await ent.page.locator("[data-testid=my-vouchers]").innerText(), /已申请/);
  await op.page.goto(`${BASE}/console/vouchers`);
  const row = op.page.locator("[data-testid=applications] tr", { hasText: PROGRAMME });
  await Promise.all([op.page.waitForURL(/flash=saved/), row.locator("button[value='1']").click()]);
  await ent.page.reload();
  assert.match(await ent.page.locator("[data-testid=my-vouchers]").innerText(), /已发放/);

  // The university publishes a pilot-scale service.
  await uni.page.goto(`${BASE}/my/services`);
  await uni.page.locator("#f-kind").selectOption("pilot_scale");
  await uni.page.locator("#f-title").fill(SERVICE);
  await uni.page.locator("#f-description").fill("500 L 发酵罐中试放大，含工艺报告。");
  await uni.page.locator("#f-price_min").fill("1000");
  await uni.page.locator("#f-price_max").fill("10000");
  await uni.page.locator("#f-accreditation").fill("CMA");
  await submit(uni.page, "publish-form");
  const servicePath = new URL(uni.page.url()).pathname;

  // The enterprise finds it in the directory and orders it.
  await ent.page.goto(`${BASE}/services?kind=pilot_scale`);
  await ent.page.locator("[data-testid=services] a", { hasText: SERVICE }).click();
  await ent.page.waitForURL((u) => u.pathname === servicePath);
  await ent.page.locator("#f-description").fill("200 L 甘蔗渣发酵，两批次");
  await submit(ent.page, "order-form");
  const orderPath = new URL(ent.page.url()).pathname;
  assert.match(await ent.page.locator("[data-testid=order-state]").innerText(), /已提交需求/);

  // The university quotes 3,000 yuan from its inbox.
  await uni.page.goto(`${BASE}/my/services`);
  await uni.page.locator("[data-testid=received-orders] a", { hasText: SERVICE }).first().click();
  await uni.page.waitForURL((u) => u.pathname === orderPath);
  await uni.page.locator("#f-amount").fill("3000");
  await submit(uni.page, "quote-form");

  // The enterprise accepts and pays part with the voucher: half of 3,000 is 1,500.
  await ent.page.goto(`${BASE}${orderPath}`);
  await submit(ent.page, "accept-form");
  assert.match(await ent.page.locator("[data-testid=order-state]").innerText(), /已接受/);
  const voucher = await ent.page.locator("#f-voucher_id option", { hasText: PROGRAMME }).getAttribute("value");
  await ent.page.locator("#f-voucher_id").selectOption(voucher);
  await submit(ent.page, "voucher-form");
  assert.match(await ent.page.locator("[data-testid=voucher-paid]").innerText(), /1,500\.00/);
  assert.match(await ent.page.locator("[data-testid=to-pay]").innerText(), /1,500\.00/);
  assert.match(await ent.page.locator("[data-testid=order-history]").innerText(), /创新券抵扣/);
  await screenshot(ent.page, "voucher-order");

  // The university attaches its test report to the order; the enterprise finds it there and in
  // the order's history.
  await uni.page.goto(`${BASE}${orderPath}`);
  await uni.page.locator("#doc-kind").selectOption("test_report");
  await uni.page.locator("#doc-file").setInputFiles({
    name: "检测报告.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7\n% a browser test's report\n"),
  });
  await submit(uni.page, "order-document-upload");
  await ent.page.goto(`${BASE}${orderPath}`);
  assert.match(await ent.page.locator("[data-testid=order-documents]").innerText(), /检测报告\.pdf\s+检测报告/);
  assert.match(await ent.page.locator("[data-testid=order-history]").innerText(), /上传文件 · test_report: 检测报告\.pdf/);

  // The operator sees the redemption in the programme's report; totals equal the ledger.
  await op.page.goto(`${BASE}${programmeUrl}`);
  assert.match(await op.page.locator("[data-testid=redeemed-total]").innerText(), /1,500\.00/);
  assert.match(await op.page.locator("[data-testid=by-kind]").innerText(), /中试[\s\S]*1,500\.00/);
  assert.match(await op.page.locator("[data-testid=recent-redemptions]").innerText(), /已使用 · 1,500\.00/);
  const totals = await op.page.locator("[data-testid=report-totals] tbody tr").allInnerTexts();
  for (const line of totals.slice(1, 5)) {
    const amounts = line.match(/[\d,]+\.\d\d/g) ?? [];
    assert.equal(amounts.length, 2, line);
    assert.equal(amounts[0], amounts[1], `programme total equals the ledger: ${line}`);
  }
  await screenshot(op.page, "voucher-report");

  for (const p of [op, ent, uni]) {
    p.watcher.check();
    await p.context.close();
  }
});
