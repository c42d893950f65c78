// Contract documents in a real browser: a party (the demo university) attaches a signed
// contract, a PDF, on the contract's page through the upload form, sees it listed with its
// SHA-256, and downloads it back byte for byte under its name; a page renamed .pdf is refused
// with a message and nothing is listed for it; an operator, who sees every contract, sees the
// document too.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import { BASE, DEMO, launch, openPage, screenshot, signIn } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), button.click()]);
}

test("a party attaches a PDF to a contract and downloads it back", async () => {
  const stamp = Date.now().toString(36);
  const name = `签署合同-${stamp}.pdf`;
  const pdf = Buffer.from(`%PDF-1.4\n% browser test ${stamp}\n${"0123456789".repeat(2000)}\n%%EOF\n`);
  const sha256 = createHash("sha256").update(pdf).digest("hex");

  const uni = await openPage(browser);
  await signIn(uni.page, DEMO.university);
  await uni.page.goto(`${BASE}/contracts`);
  const first = uni.page.locator("table a[href^='/contracts/']").first();
  assert.ok(await first.count(), "the demo university has contracts in the sample data");
  await submit(uni.page, first);
  const contractUrl = new URL(uni.page.url()).pathname;
  assert.match(contractUrl, /^\/contracts\/[0-9a-f-]{36}$/);

  // Upload through the form.
  await uni.page.locator("#doc-kind").selectOption("signed_contract");
  await uni.page.locator("#doc-file").setInputFiles({ name, mimeType: "application/pdf", buffer: pdf });
  await submit(uni.page, uni.page.locator("#documents-upload button[type=submit]"));
  const link = uni.page.locator("#documents-table a", { hasText: name });
  await link.waitFor();
  const row = uni.page.locator("#documents-table tr", { has: uni.page.locator("a", { hasText: name }) });
  assert.equal(await row.locator("code").getAttribute("title"), sha256, "the SHA-256 shown is the file's");
  await screenshot(uni.page, "contract-documents");

  // Download it back: the same bytes, under its name.
  const [download] = await Promise.all([uni.page.waitForEvent("download"), link.click()]);
  const got = await readFile(await download.path());
  assert.ok(got.equals(pdf), "the downloaded file is the uploaded one, byte for byte");
  assert.equal(download.suggestedFilename(), name);

  // A page renamed .pdf: refused with a message, nothing listed for it.
  await uni.page.locator("#doc-file").setInputFiles({
    name: `page-${stamp}.pdf`,
    mimeType: "application/pdf",
    buffer: Buffer.from("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
  });
  await submit(uni.page, uni.page.locator("#documents-upload button[type=submit]"));
  await uni.page.locator("#documents-error").waitFor();
  assert.equal(await uni.page.locator("#documents-table a", { hasText: `page-${stamp}.pdf` }).count(), 0);
  uni.watcher.check();

  // An operator sees every contract, and so this document, in English.
  const op = await openPage(browser, { locale: "en" });
  await signIn(op.page, DEMO.operator);
  await op.page.goto(`${BASE}${contractUrl}`);
  await op.page.locator("#documents-table a", { hasText: name }).waitFor();
  assert.equal(await op.page.locator("#documents-heading").innerText(), "Documents");
  op.watcher.check();
});
