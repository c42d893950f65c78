// The registration office end to end (issue #14): the provincial office imports a spreadsheet
// of contracts registered today, registers one more by hand whose buyer is not on the
// platform with its signed scan attached, opens its certificate and verifies it, and the
// dashboard for this year rises by the sum of them all, to the fen, and so do the office's own
// figures on the Office page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, DEMO, launch, openPage, screenshot, signIn } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A unified social credit code with its GB 32100 check character. */
function creditCode(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i]) * WEIGHTS[i];
  return first17 + ALPHABET[(31 - (sum % 31)) % 31];
}

/** "1,234,567.89" → 123456789 fen. */
function fen(text) {
  const clean = text.replace(/[,\s]/g, "");
  const [whole, frac = "0"] = clean.split(".");
  return BigInt(whole) * 100n + BigInt(frac.padEnd(2, "0").slice(0, 2));
}

/** The first desk's figures on the Office page: its registered turnover this year, in fen. */
async function officeFen(page) {
  await page.goto(`${BASE}/office`);
  return fen(await page.locator("[data-testid=office-figures-amount]").first().innerText());
}

async function dashboardFen(page, year) {
  await page.goto(`${BASE}/dashboard?year=${year}`);
  return fen(await page.locator("[data-testid=turnover-actual]").innerText());
}

test("an office imports a spreadsheet, registers one contract by hand, and the dashboard rises by the sum to the fen", async () => {
  const { page, watcher, context } = await openPage(browser);
  await signIn(page, DEMO.operator);
  const today = new Date().toISOString().slice(0, 10);
  const year = today.slice(0, 4);
  const before = await dashboardFen(page, year);
  const officeBefore = await officeFen(page);
  const tag = `BT${Date.now().toString(36).toUpperCase()}`;

  // The spreadsheet: 25 contracts registered today, Nanning sellers, Liuzhou buyers off the
  // platform, amounts with fen.
  await page.goto(`${BASE}/office`);
  const header = "Contract number,Contract name,Contract type,Subtype,Licence scope,Seller name,Seller credit code,Seller foreign registration number,Seller country,Seller region code,Seller kind,Buyer name,Buyer credit code,Buyer foreign registration number,Buyer country,Buyer region code,Buyer kind,Intermediary name,Intermediary credit code,Signed on,Valid from,Valid until,Contract amount (yuan),Technology transaction amount (yuan),Non-technical deductions (yuan),Payment method,Technical field,Social and economic objectives,Registration number,Registered on";
  const lines = [header];
  let sum = 0n;
  for (let i = 0; i < 25; i++) {
    const amount = 1_000_000n + BigInt(i) * 12_345n + 7n; // fen
    sum += amount;
    const yuan = `${amount / 100n}.${String(amount % 100n).padStart(2, "0")}`;
    const seller = creditCode(`12450100MB${String(1000 + i).padStart(7, "0")}`);
    const buyer = creditCode(`91450200MA${String(5000 + i).padStart(7, "0")}`);
    lines.push(`${tag}-${i},甘蔗收割技术开发合同${i},技术开发,委托开发,,广西某大学${i},${seller},,CN,450100,高校,柳州某公司${i},${buyer},,CN,450200,企业,,,${today},${today},,${yuan},${yuan},,分期支付,modern_agriculture,提高机械化水平,,${today}`);
  }
  const form = page.locator("[data-testid=office-import-form]").first();
  await form.locator("input[type=file]").setInputFiles({ name: "history.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n"), "utf8") });
  await form.locator("input[value=all_or_nothing]").check();
  await Promise.all([page.waitForURL(/\/office\/imports\//), form.locator("button[type=submit]").click()]);
  for (let i = 0; i < 60; i++) {
    const status = await page.locator("[data-testid=import-status]").innerText();
    if (status === "succeeded" || status === "failed") break;
    await page.waitForTimeout(500);
    await page.reload();
  }
  assert.equal(await page.locator("[data-testid=import-status]").innerText(), "succeeded");
  assert.equal(await page.locator("[data-testid=import-created]").innerText(), "25");
  await screenshot(page, "office-import");

  // One contract by hand, its buyer off the platform.
  await page.goto(`${BASE}/office/new`);
  const byHand = 876_543_21n; // 876,543.21 yuan
  sum += byHand;
  await page.locator("#contract_number").fill(`${tag}-HAND`);
  await page.locator("#title").fill("六堡茶加工技术服务合同");
  await page.locator("#contract_type").selectOption("service");
  await page.locator("#subtype").selectOption("service");
  await page.locator("#seller_name").fill("广西某茶叶研究所");
  await page.locator("#seller_credit_code").fill(creditCode("12450100MB0009999"));
  await page.locator("#seller_region").fill("450400");
  await page.locator("#buyer_name").fill("梧州某茶厂（未注册）");
  await page.locator("#buyer_credit_code").fill(creditCode("91450400MA0009999"));
  await page.locator("#buyer_region").fill("450400");
  await page.locator("#contract_amount").fill("876543.21");
  await page.locator("#tech_amount").fill("800000.00");
  await page.locator("#payment_method").selectOption("lump_sum");
  await Promise.all([page.waitForURL(/\/office\/registrations\//), page.locator("[data-testid=office-new-submit]").click()]);
  assert.equal(await page.locator("[data-testid=file-status]").innerText(), "submitted");
  await page.locator("input[name=action][value=register]").check();
  await Promise.all([page.waitForLoadState(), page.locator("[data-testid=decide]").click()]);
  await page.waitForSelector("[data-testid=file-registration-number]");
  assert.match(await page.locator("[data-testid=file-status]").innerText(), /^registered/);
  const number = await page.locator("[data-testid=file-registration-number]").innerText();
  const fileUrl = page.url();

  // Its signed scan, attached on the contract's page (the document store, shared/docstore).
  const scan = Buffer.from(`%PDF-1.4\n% office scan ${tag}\n${"0123456789".repeat(500)}\n%%EOF\n`);
  await Promise.all([page.waitForNavigation(), page.locator("[data-testid=contract-link]").click()]);
  await page.locator("#doc-kind").selectOption("signed_contract");
  await page.locator("#doc-file").setInputFiles({ name: `${tag}-scan.pdf`, mimeType: "application/pdf", buffer: scan });
  await Promise.all([page.waitForNavigation(), page.locator("#documents-upload button[type=submit]").click()]);
  await page.locator("#documents-table a", { hasText: `${tag}-scan.pdf` }).waitFor();
  await page.goto(fileUrl);

  // The certificate, and its verification link, which anyone may open.
  await page.locator("[data-testid=certificate-link]").click();
  await page.waitForSelector("[data-testid=certificate]");
  assert.equal(await page.locator("[data-testid=certificate-number]").innerText(), number);
  await screenshot(page, "office-certificate");
  const verify = await page.locator("[data-testid=certificate-verify-link]").getAttribute("href");
  const anon = await openPage(browser);
  await anon.page.goto(`${BASE}${verify}`);
  assert.equal(await anon.page.locator("[data-testid=verify-number]").innerText(), number);
  await anon.page.goto(`${BASE}/verify/ABCDEFGHJKLMNPQRSTUV`);
  await anon.page.waitForSelector("[data-testid=verify-not-genuine]");
  await anon.context.close();

  // The dashboard for this year, once the statistics job has run: up by exactly the sum.
  let after = before;
  for (let i = 0; i < 40 && after !== before + sum; i++) {
    await page.waitForTimeout(500);
    after = await dashboardFen(page, year);
  }
  assert.equal(after - before, sum, `the dashboard rose by ${after - before} fen, not ${sum}`);
  // The Office page: the provincial office's own figures for the year rose by the same sum.
  const officeAfter = await officeFen(page);
  assert.equal(officeAfter - officeBefore, sum, `the office's figures rose by ${officeAfter - officeBefore} fen, not ${sum}`);
  watcher.check();
  await context.close();
});
