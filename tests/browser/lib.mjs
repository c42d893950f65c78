// Shared by the browser tests: launching Debian's Chromium, pages that fail the test on any
// console error or request to another origin, signing in, and screenshots.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const BASE = process.env.BASE_URL ?? "http://127.0.0.1:8080";
export const PASSWORD = "sample-password-2026";
export const DEMO = {
  operator: "operator@sample.techmarket.local",
  university: "tto@guijiang-university.sample",
  enterprise: "rd@liujiang-agrimach.sample",
  broker: "broker@beibu-gulf-ttc.sample",
};

// Flags the probe of this machine found necessary: no GPU, no QUIC, and none of Chromium's
// own background connections (the network is closed; they would fail and slow every start).
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** Chromium with a fresh profile; each role gets its own context (its own cookies). */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: FLAGS,
  });
}

/** A signed-out browser context and a watched page in it. */
export async function openPage(browser, { locale = "zh-CN", width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ locale, viewport: { width, height } });
  const page = await context.newPage();
  const watcher = watch(page);
  return { context, page, watcher };
}

/**
 * Watches a page: console errors, uncaught exceptions and requests to any origin other than
 * the portal's are collected; `check()` fails the test if there were any.
 */
export function watch(page) {
  const problems = [];
  const origin = new URL(BASE).origin;
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`uncaught: ${err.message}`));
  page.on("request", (req) => {
    const url = req.url();
    if (url.startsWith("data:") || url.startsWith("about:")) return;
    if (new URL(url).origin !== origin) problems.push(`request to another origin: ${url}`);
  });
  return {
    check() {
      assert.deepEqual(problems, [], "the page must not log errors or call other origins");
    },
  };
}

export async function signIn(page, email, password = PASSWORD) {
  await page.goto(`${BASE}/login`);
  await page.locator("#f-email").fill(email);
  await page.locator("#f-password").fill(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.locator("form[action='/login'] button[type=submit]").click()]);
}

export async function signOut(page) {
  await page.locator("form[action='/logout'] button").click();
  await page.waitForURL((u) => u.pathname === "/");
}

export async function screenshot(page, name) {
  const dir = process.env.SCREENSHOTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}

/** Reloads `page` until `locator` is visible (background jobs: matching, statistics). */
export async function reloadUntil(page, locatorFn, { tries = 60, delayMs = 500 } = {}) {
  for (let i = 0; i < tries; i++) {
    if (await locatorFn().count() > 0) return;
    await page.waitForTimeout(delayMs);
    await page.reload();
  }
  assert.fail(`gave up waiting on ${page.url()}`);
}
