// An auction in two browsers (issue #17): two verified enterprises, each in its own browser
// context, bid against each other on the live auction page; each sees the other's bid arrive
// without reloading (server-sent events through the portal), with the server's clock shown;
// at the end the platform closes the auction and the winner's deal appears on the board of
// the broker who ran it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, DEMO, PASSWORD, launch, openPage, screenshot, signIn } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PARTNER = "partner@mekong-agritech.sample";

async function api(method, path, token, body) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  return { status: res.status, json };
}

async function login(email) {
  const res = await api("POST", "/api/v1/auth/login", null, { email, password: PASSWORD });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json.token;
}

/** A new achievement of the university, published by the operator (so no other test's
 * listing is sold). */
async function publishedAchievement(uni, operator) {
  const validUntil = new Date(Date.now() + 120 * 86400e3).toISOString().slice(0, 10);
  const created = await api("POST", "/api/v1/achievements", uni, {
    language: "zh",
    title: "竞价测试：甘蔗叶还田粉碎装置（浏览器测试样例）",
    summary: "浏览器测试用的示例成果：甘蔗叶粉碎还田装置，降低焚烧带来的污染。",
    description: "示例数据，仅用于自动化浏览器测试的竞价流程。装置由粉碎刀辊和抛撒机构组成。",
    keywords: ["甘蔗叶", "粉碎还田", "竞价测试"],
    industry: "modern_agriculture",
    ipc_codes: ["A01D 45/10"],
    ip_type: "utility_model",
    ip_numbers: ["ZL202320000001.1"],
    patent_status: "granted",
    trl: 6,
    cooperation_modes: ["transfer"],
    price: { min_minor: 10_000_000, max_minor: 20_000_000, currency: "CNY" },
    region_code: "450300",
    cross_border: false,
    valid_until: validUntil,
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const { id, version } = created.json;
  const submitted = await api("POST", `/api/v1/achievements/${id}/submit`, uni, { version });
  assert.equal(submitted.status, 200, JSON.stringify(submitted.json));
  const published = await api("POST", `/api/v1/achievements/${id}/review`, operator, { decision: "publish", version: submitted.json.version });
  assert.equal(published.status, 200, JSON.stringify(published.json));
  return id;
}

test("two bidders see each other's bids live; the winner's deal reaches the broker's board", async () => {
  const operator = await login(DEMO.operator);
  const uni = await login(DEMO.university);
  const broker = await login(DEMO.broker);
  const brokerId = (await api("GET", "/api/v1/me", broker)).json.broker_id;
  assert.ok(brokerId, "the demo broker has a broker profile");
  const achievement = await publishedAchievement(uni, operator);

  // The university schedules the auction (ending in 20 s, no extension) with the broker.
  const endsAt = new Date(Date.now() + 20_000).toISOString();
  const created = await api("POST", "/api/v1/auctions", uni, {
    achievement_id: achievement, currency: "CNY", starting_price_minor: 10_000_000, increment_minor: 100_000,
    deposit_minor: 1_000_000, ends_at: endsAt, extension_window_secs: 0, extension_secs: 0, broker_id: brokerId,
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const auction = created.json.id;
  // The operator records both deposits.
  for (const email of [DEMO.enterprise, PARTNER]) {
    const me = (await api("GET", "/api/v1/me", await login(email))).json;
    const dep = await api("POST", `/api/v1/auctions/${auction}/deposits`, operator, { organisation_id: me.organisation_id, amount_minor: 1_000_000, note: "sample transfer (test)" });
    assert.equal(dep.status, 201, JSON.stringify(dep.json));
  }

  const a = await openPage(browser);
  const b = await openPage(browser);
  await signIn(a.page, DEMO.enterprise);
  await signIn(b.page, PARTNER);
  await a.page.goto(`${BASE}/auctions/${auction}`);
  await b.page.goto(`${BASE}/auctions/${auction}`);
  // The server's clock is shown and ticks.
  const clock = await b.page.locator("#server-clock").innerText();
  assert.match(clock, /UTC\+8/);
  await b.page.waitForFunction((before) => document.querySelector("#server-clock").textContent !== before, clock, { timeout: 5000 });

  // A bids the starting price; B's page shows it without reloading (a reload would lose the
  // mark set on B's window).
  await b.page.evaluate(() => { window.__notReloaded = true; });
  await a.page.locator("#f-amount").fill("100000");
  await Promise.all([a.page.waitForURL(/flash=bid_placed/), a.page.locator("#place-bid").click()]);
  const bUrl = b.page.url();
  await b.page.locator("#bids tr").first().waitFor({ timeout: 10_000 });
  await b.page.waitForFunction(() => document.querySelector("#bid-count").textContent.trim() === "1", null, { timeout: 10_000 });
  assert.match(await b.page.locator("#current-price").innerText(), /10/);
  assert.equal(b.page.url(), bUrl, "B did not navigate");
  assert.equal(await b.page.evaluate(() => window.__notReloaded), true, "B did not reload");
  // B's amount field follows the next minimum (100,000 + 1,000 元).
  assert.equal(await b.page.locator("#f-amount").inputValue(), "101000.00");

  // B outbids; A sees it without reloading.
  await a.page.evaluate(() => { window.__notReloaded = true; });
  await Promise.all([b.page.waitForURL(/flash=bid_placed/), b.page.locator("#place-bid").click()]);
  const aUrl = a.page.url();
  await a.page.waitForFunction(() => document.querySelector("#bid-count").textContent.trim() === "2", null, { timeout: 10_000 });
  assert.equal(await a.page.locator("#bids tr").count(), 2);
  assert.equal(a.page.url(), aUrl, "A did not navigate");
  assert.equal(await a.page.evaluate(() => window.__notReloaded), true, "A did not reload");
  await screenshot(a.page, "auction-live");

  // A bid below the increment is refused with the API's words.
  await a.page.locator("#f-amount").fill("101500");
  await a.page.locator("#place-bid").click();
  await a.page.locator("#form-error").waitFor();
  assert.match(await a.page.locator("#form-error").innerText(), /102000/);

  // At the end the queue closes the auction; the open pages reload to the result.
  await a.page.goto(`${BASE}/auctions/${auction}`);
  await a.page.locator("#chain-head").waitFor({ timeout: 45_000 });
  assert.match(await a.page.locator("#auction-status").innerText(), /成交|Sold/);
  const closed = (await api("GET", `/api/v1/auctions/${auction}`, null)).json;
  assert.equal(closed.status, "sold");
  assert.equal(closed.current_price_minor, 10_100_000);
  const check = (await api("GET", `/api/v1/auctions/${auction}/verification`, null)).json;
  assert.equal(check.valid, true);

  // The broker who ran the auction finds the winner's deal on the board, at `agreed`.
  const brk = await openPage(browser);
  await signIn(brk.page, DEMO.broker);
  await brk.page.goto(`${BASE}/broker`);
  const link = brk.page.locator(`a[href='/deals/${closed.deal_id}']`);
  assert.ok(await link.count() > 0, "the deal is on the broker's board");
  await link.first().click();
  await brk.page.waitForURL((u) => u.pathname === `/deals/${closed.deal_id}`);
  assert.equal(await brk.page.locator("#deal-stage").getAttribute("data-stage"), "agreed");

  a.watcher.check();
  b.watcher.check();
  brk.watcher.check();
});

test("the owner lists at a price on the achievement's page; an enterprise confirms and lands on its deal", async () => {
  const operator = await login(DEMO.operator);
  const uni = await login(DEMO.university);
  const achievement = await publishedAchievement(uni, operator);

  // The owner lists it from the achievement's page (price in 元, end in Beijing time).
  const owner = await openPage(browser);
  await signIn(owner.page, DEMO.university);
  await owner.page.goto(`${BASE}/achievements/${achievement}`);
  await owner.page.locator("#f-list-price").fill("123456");
  const end = new Date(Date.now() + 8 * 3600e3 + 3 * 86400e3).toISOString().slice(0, 16);
  await owner.page.locator("#f-list-ends").fill(end);
  await Promise.all([owner.page.waitForURL(/flash=price_listed/), owner.page.locator("#list-at-price").click()]);

  // A verified enterprise reads "listed at … until …", opens the confirmation and commits.
  const buyer = await openPage(browser);
  await signIn(buyer.page, DEMO.enterprise);
  await buyer.page.goto(`${BASE}/achievements/${achievement}`);
  assert.match(await buyer.page.locator("#listed-at").innerText(), /12\.35 万元|123,456/);
  await Promise.all([buyer.page.waitForURL(/\/price-listings\//), buyer.page.locator("#buy-at-price").click()]);
  const saleUrl = buyer.page.url();
  assert.match(await buyer.page.locator("#confirm-text").innerText(), /12\.35 万元|123,456/);
  await screenshot(buyer.page, "price-listing-confirm");
  await Promise.all([buyer.page.waitForURL(/\/deals\/.*flash=purchased/), buyer.page.locator("#confirm-purchase").click()]);
  assert.equal(await buyer.page.locator("#deal-stage").getAttribute("data-stage"), "agreed");

  // The sold achievement closes (it leaves the public pages); its owner reads "sold" on it,
  // and anyone reads "sold" on the sale's own page.
  await owner.page.goto(`${BASE}/achievements/${achievement}`);
  await owner.page.locator("#sold-badge").waitFor();
  const anon = await openPage(browser);
  await anon.page.goto(saleUrl);
  assert.equal(await anon.page.locator("#listing-status").getAttribute("data-status"), "sold");

  owner.watcher.check();
  buyer.watcher.check();
  anon.watcher.check();
});
