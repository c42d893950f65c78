// Tiered disclosure in a real browser (issue #15): the university puts a dossier — text and a
// PDF document — behind a click-through NDA, an enterprise asks for it, accepts the NDA, reads
// it and downloads the document, and the university sees that download, naming the file and
// its time of day, in its access log.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, DEMO, launch, openPage, screenshot, signIn } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const NDA = "保密协议（浏览器测试）：接收方不得向第三方披露本资料。";
const DOSSIER = "完整工艺参数与图纸清单 browser-dossier-7f3a";
const FILE_NAME = "工艺图纸-browser.pdf";
const FILE_MARK = "browser-dossier-file-91c2";
/** A small PDF-looking file (the store types uploads by their first bytes). */
const FILE_BODY = Buffer.from(`%PDF-1.4\n% ${FILE_MARK}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n`);

/** The id of a published achievement of the university shown on its /my page. */
async function publishedAchievement(uni, anon) {
  await uni.goto(`${BASE}/my`);
  const hrefs = await uni.locator("a[href^='/achievements/']").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  const ids = [...new Set(hrefs.map((h) => /^\/achievements\/([0-9a-f-]{36})$/.exec(h)?.[1]).filter(Boolean))];
  for (const id of ids) {
    const res = await anon.request.get(`${BASE}/achievements/${id}`);
    if (res.status() === 200) return id;
  }
  assert.fail(`no published achievement among ${ids.length} on /my`);
}

test("an enterprise accepts the NDA, reads and downloads the dossier; the university sees it in the access log", async () => {
  const uni = await openPage(browser);
  const ent = await openPage(browser);
  await signIn(uni.page, DEMO.university);
  const id = await publishedAchievement(uni.page, ent.page);

  // The university sets the dossier behind a click-through NDA.
  await uni.page.goto(`${BASE}/achievements/${id}`);
  await uni.page.locator("[data-testid=disclosure-link]").click();
  await uni.page.waitForURL((u) => u.pathname === `/achievements/${id}/disclosure`);
  await uni.page.locator("#f-verified_text").fill("样机测试摘要（认证机构可见）");
  await uni.page.locator("#f-dossier_text").fill(DOSSIER);
  await uni.page.locator("#f-terms").selectOption("nda");
  await uni.page.locator("#f-nda_text").fill(NDA);
  await Promise.all([uni.page.waitForURL(/flash=saved/), uni.page.locator("[data-testid=disclosure-form] button[type=submit]").click()]);
  // …and attaches a document to the dossier.
  await uni.page.locator("#f-file-kind").selectOption("dossier");
  await uni.page.locator("#f-file").setInputFiles({ name: FILE_NAME, mimeType: "application/pdf", buffer: FILE_BODY });
  await Promise.all([uni.page.waitForURL(/flash=saved/), uni.page.locator("[data-testid=file-form] button[type=submit]").click()]);
  assert.match(await uni.page.locator("[data-testid=listing-files]").innerText(), /工艺图纸-browser\.pdf/);

  // The enterprise asks, accepting the NDA.
  await signIn(ent.page, DEMO.enterprise);
  await ent.page.goto(`${BASE}/achievements/${id}`);
  await ent.page.locator("[data-testid=dossier-link]").click();
  await ent.page.waitForURL((u) => u.pathname === `/achievements/${id}/dossier`);
  assert.equal(await ent.page.locator("[data-testid=dossier-text]").count(), 0, "no dossier before access");
  assert.equal(await ent.page.locator("[data-testid=dossier-file]").count(), 0, "no dossier file before access");
  assert.match(await ent.page.locator("[data-testid=nda-text]").innerText(), /浏览器测试/);
  await ent.page.locator("[data-testid=accept-nda]").check();
  await Promise.all([ent.page.waitForURL(/flash=submitted/), ent.page.locator("[data-testid=request-form] button[type=submit]").click()]);
  assert.match(await ent.page.locator("[data-testid=dossier-text]").innerText(), /browser-dossier-7f3a/);
  await screenshot(ent.page, "dossier");
  const [download] = await Promise.all([
    ent.page.waitForEvent("download"),
    ent.page.locator("[data-testid=dossier-download]").click(),
  ]);
  const path = await download.path();
  const { readFileSync } = await import("node:fs");
  assert.match(readFileSync(path, "utf8"), /browser-dossier-7f3a/);
  // The document itself, byte for byte.
  const [fileDownload] = await Promise.all([
    ent.page.waitForEvent("download"),
    ent.page.locator("[data-testid=dossier-file]", { hasText: FILE_NAME }).click(),
  ]);
  assert.equal(fileDownload.suggestedFilename(), FILE_NAME);
  assert.deepEqual(readFileSync(await fileDownload.path()), FILE_BODY);

  // The university sees the acceptance and the download.
  await uni.page.goto(`${BASE}/achievements/${id}/disclosure`);
  const requests = await uni.page.locator("[data-testid=access-requests]").innerText();
  assert.match(requests, /已开放/);
  assert.match(requests, /[0-9a-f]{64}/, "the accepted NDA's SHA-256");
  const views = await uni.page.locator("[data-testid=access-views]").innerText();
  assert.match(views, /下载/);
  assert.match(views, /查阅/);
  assert.match(views, /127\.0\.0\.1/, "the reader's address, passed on by the portal");
  assert.match(views, /工艺图纸-browser\.pdf/, "the download names the file");
  assert.match(views, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/, "the time of day, not only the date");
  await uni.page.locator("#log-h").scrollIntoViewIfNeeded();
  await screenshot(uni.page, "access-log");
  uni.watcher.check();
  ent.watcher.check();
  await uni.context.close();
  await ent.context.close();
});
