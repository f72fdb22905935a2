// Signpost in a real browser (Debian's chromium, driven by playwright-core).
//
// Starts the release server on a free port with a temporary copy of
// content/ plus one hostile entry, then:
//   - searches as a teacher would (type "consent", tick Key stage 2, open a
//     result, go back), with and without JavaScript;
//   - runs axe-core (WCAG 2.0/2.1/2.2 A and AA) on every page type;
//   - uses the facet panel with the keyboard only;
//   - checks a hostile Markdown body renders inert;
//   - serves a second copy under a path prefix (site.yaml's base_url) and
//     searches there with JavaScript, checking every link stays under it;
//   - saves screenshots at 360 and 1280 px and checks each page's
//     transferred bytes (HTML + CSS + JS, compressed) are under 50 KB.
// Ends with "N passed, M failed" and a non-zero exit on any failure.

import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const bin = process.env.SIGNPOST_BIN || path.join(root, "target/release/signpost");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const axePath = path.join(here, "node_modules/axe-core/axe.min.js");
const shots = path.join(here, "screenshots");
const BUDGET = 50 * 1024;
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const HOSTILE_ID = "hostile-markdown-test";

// ---------------------------------------------------------------- harness

const results = [];
async function test(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}\n     ${String(error && error.stack ? error.stack : error).split("\n").join("\n     ")}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
function equal(actual, expected, message) {
  if (actual !== expected) throw new Error(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const HOSTILE = `---
title: Hostile Markdown test entry
summary: An entry whose body tries every trick to run script; the page must render it inert.
topics: [consent]
ages: "7-11"
sectors: [primary]
areas: [national]
reviewed: 2020-01-01
---
This body is hostile on purpose.

<script>window.__pwned = "script";</script>

<img src=x onerror="window.__pwned = 'onerror'">

[A javascript link](javascript:window.__pwned='markdown-link')

<a href="javascript:window.__pwned='html-link'" id="raw-js-link">A raw javascript link</a>

<p onmouseover="window.__pwned='onmouseover'" onclick="window.__pwned='onclick'">Hover or click this paragraph.</p>

<iframe src="javascript:window.__pwned='iframe'"></iframe>

<svg><script>window.__pwned = "svg"</script></svg>

<a href="JaVaScRiPt:window.__pwned='mixed-case'">Mixed case</a>

<form action="javascript:window.__pwned='form'"><button>Submit</button></form>
`;

/** Starts the release server on a copy of content/. With `prefix`, the
 *  copy's site.yaml gets a base_url under that path, so every route and
 *  link is under it; `base` is then the prefixed address. */
async function startServer({ prefix = "" } = {}) {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run "cargo test --release --no-run" first`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "signpost-browser-"));
  const content = path.join(tmp, "content");
  fs.cpSync(path.join(root, "content"), content, { recursive: true });
  fs.writeFileSync(path.join(content, "resources", `${HOSTILE_ID}.md`), HOSTILE);
  if (prefix) fs.appendFileSync(path.join(content, "site.yaml"), `\nbase_url: https://www.example.gov.uk${prefix}/\n`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}${prefix}`;
  const child = spawn(bin, ["serve", "--content", content, "--index", path.join(tmp, "index"), "--addr", `127.0.0.1:${port}`], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${log}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server did not start within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, child, tmp };
}

function stopServer(server) {
  server.child.kill("SIGTERM");
  fs.rmSync(server.tmp, { recursive: true, force: true });
}

// ---------------------------------------------------------------- helpers

/** Records console errors, page errors and requests to other hosts. */
function watch(page, base) {
  const problems = [];
  const origin = new URL(base).origin;
  page.on("console", (m) => {
    // A failed load is reported below with its address.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`console error: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("about:")) problems.push(`request to another host: ${url}`);
  });
  page.on("dialog", (d) => {
    problems.push(`dialog opened: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  return problems;
}

async function resultCount(page) {
  const text = (await page.locator("#result-count").textContent()).trim();
  const m = text.match(/^(\d+) results?$/);
  assert(m, `result count reads "${text}"`);
  return Number(m[1]);
}

async function runAxe(page) {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n       ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join("\n       ")}`);
  }, AXE_TAGS);
}

// ---------------------------------------------------------------- the suite

async function main() {
  fs.mkdirSync(shots, { recursive: true });
  const server = await startServer();
  const { base } = server;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // No --user-data-dir here: playwright refuses it for launch() and
      // always gives chromium a fresh temporary profile of its own.
    ],
  });
  const newPage = async (options = {}) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return { context, page, problems: watch(page, base) };
  };

  // A few real ids to visit.
  const api = await (await fetch(`${base}/api/search?kind=organisation&per_page=100`)).json();
  const organisation = api.hits.find((h) => h.contact && h.contact.phone) || api.hits[0];
  const resource = (await (await fetch(`${base}/api/search?kind=resource&q=consent`)).json()).hits[0];
  // A case study with its label, routes and sources.
  const cases = (await (await fetch(`${base}/api/search?kind=case-study&response=police&per_page=100`)).json()).hits;
  const caseStudy = cases.find((h) => h.illustrative) || cases[0];
  const pages = {
    home: "/",
    search: "/search?q=consent&key_stage=ks2",
    "search-empty": "/search?q=consent&kind=case-study&key_stage=eyfs&sector=special",
    "search-case-studies": "/search?kind=case-study&response=police",
    organisation: `/entries/${organisation.id}`,
    resource: `/entries/${resource.id}`,
    "case-study": `/entries/${caseStudy.id}`,
    coverage: "/coverage",
    updates: "/updates",
    "not-found": "/no-such-page",
    "bad-request": "/search?topic=consnet",
  };

  try {
    await test("a teacher searches for consent, ticks Key stage 2, opens a result and goes back (JavaScript on)", async () => {
      const { context, page, problems } = await newPage();
      await page.goto(`${base}/`);
      equal(await page.locator("h1").count(), 1, "h1 count on home");
      await page.getByLabel("Search the resource bank").fill("consent");
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/search\?q=consent$/);
      const all = await resultCount(page);
      assert(all > 0, "consent finds entries");
      assert(await page.locator("mark").count() > 0, "snippets mark the query terms");
      await page.evaluate(() => (window.__samePage = true));
      await page.getByRole("checkbox", { name: /^Key stage 2 \(ages 7-11\)/ }).check();
      await page.waitForURL(/key_stage=ks2/);
      await page.getByRole("link", { name: "Remove filter: Key stage 2" }).waitFor();
      assert(await page.evaluate(() => window.__samePage === true), "ticking a filter did not reload the page");
      const ks2 = await resultCount(page);
      assert(ks2 > 0 && ks2 <= all, `Key stage 2 narrows the results (${all} -> ${ks2})`);
      const stages = await page.locator(".card-meta div:has(dt:text-is('Key stages')) dd").allTextContents();
      assert(stages.length > 0 && stages.every((s) => s.includes("Key stage 2")), `every result covers Key stage 2: ${stages.join(" | ")}`);
      const first = page.locator(".card-title a").first();
      const title = (await first.textContent()).trim();
      await first.click();
      await page.waitForURL(/\/entries\//);
      equal((await page.locator("h1").textContent()).trim(), title, "the entry page's heading");
      await page.goBack();
      await page.waitForURL(/q=consent&key_stage=ks2/);
      assert(await page.getByRole("checkbox", { name: /^Key stage 2/ }).isChecked(), "Key stage 2 is still ticked after Back");
      equal(await resultCount(page), ks2, "result count after Back");
      await page.goBack();
      await page.waitForURL(/\/search\?q=consent$/);
      await page.waitForFunction(() => !document.querySelector(".chip"));
      equal(await resultCount(page), all, "result count after a second Back");
      assert(problems.length === 0, problems.join("\n"));
      await context.close();
    });

    await test("results update as you type, and the URL follows", async () => {
      const { context, page, problems } = await newPage();
      await page.goto(`${base}/search`);
      const all = await resultCount(page);
      await page.evaluate(() => (window.__samePage = true));
      await page.locator("#q").pressSequentially("consent", { delay: 40 });
      await page.waitForURL(/q=consent/);
      await page.waitForFunction((n) => !document.querySelector("#result-count").textContent.startsWith(`${n} `), all);
      const n = await resultCount(page);
      assert(n > 0 && n < all, `typing narrowed ${all} to ${n}`);
      assert(await page.evaluate(() => window.__samePage === true), "typing did not reload the page");
      equal(await page.locator("#q").inputValue(), "consent", "the search box keeps its text");
      assert(await page.evaluate(() => document.activeElement.id === "q"), "focus stays in the search box");
      equal((await page.locator("#announce").textContent()).trim(), `${n} result${n === 1 ? "" : "s"}`, "the count is announced");
      assert(problems.length === 0, problems.join("\n"));
      await context.close();
    });

    await test("the same search works with JavaScript off", async () => {
      const { context, page, problems } = await newPage({ javaScriptEnabled: false });
      await page.goto(`${base}/`);
      await page.getByLabel("Search the resource bank").fill("consent");
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/search\?q=consent$/);
      await page.getByRole("checkbox", { name: /^Key stage 2/ }).check();
      await page.getByRole("button", { name: "Apply filters" }).click();
      await page.waitForURL(/key_stage=ks2/);
      assert(await page.getByRole("link", { name: "Remove filter: Key stage 2" }).isVisible(), "a chip for Key stage 2");
      await page.getByRole("link", { name: "Remove filter: Key stage 2" }).click();
      await page.waitForURL(/\/search\?q=consent$/);
      await page.selectOption("#sort", "title");
      await page.getByRole("button", { name: "Sort" }).click();
      await page.waitForURL(/sort=title/);
      assert(problems.length === 0, problems.join("\n"));
      await context.close();
    });

    for (const js of [false, true]) {
      await test(`keyboard only: Tab to a facet checkbox, Space, submit (JavaScript ${js ? "on" : "off"})`, async () => {
        const { context, page, problems } = await newPage({ javaScriptEnabled: js });
        await page.goto(`${base}/search?q=consent`);
        await page.keyboard.press("Tab");
        assert(await page.evaluate(() => document.activeElement.classList.contains("skip-link")), "the skip link is the first stop");
        assert(await page.locator(".skip-link").isVisible(), "the skip link shows when focused");
        let found = false;
        for (let i = 0; i < 100 && !found; i++) {
          await page.keyboard.press("Tab");
          found = await page.evaluate(() => document.activeElement.id === "f-key_stage-ks2");
        }
        assert(found, "Tab reaches the Key stage 2 checkbox");
        const ring = await page.evaluate(() => {
          const s = getComputedStyle(document.activeElement);
          return `${s.outlineStyle} ${s.outlineWidth} / ${s.boxShadow}`;
        });
        assert(!ring.startsWith("none") || !ring.endsWith("none"), `focus is visible (${ring})`);
        await page.keyboard.press("Space");
        assert(await page.evaluate(() => document.getElementById("f-key_stage-ks2").checked), "Space ticks the checkbox");
        if (js) await page.waitForURL(/key_stage=ks2/);
        let onButton = false;
        for (let i = 0; i < 200 && !onButton; i++) {
          await page.keyboard.press("Tab");
          onButton = await page.evaluate(() => document.activeElement.id === "apply-filters");
        }
        assert(onButton, "Tab reaches Apply filters");
        await page.keyboard.press("Enter");
        await page.waitForURL(/q=consent&key_stage=ks2/);
        await page.getByRole("link", { name: "Remove filter: Key stage 2" }).waitFor();
        assert(problems.length === 0, problems.join("\n"));
        await context.close();
      });
    }

    await test("a zero-result search says which filter to drop and what that gives", async () => {
      const { context, page } = await newPage();
      await page.goto(`${base}${pages["search-empty"]}`);
      equal(await resultCount(page), 0, "results");
      const suggestions = await page.locator(".no-results li").allTextContents();
      assert(suggestions.length > 0, "at least one suggestion");
      assert(suggestions.every((s) => /: \d+ results?$/.test(s.trim())), `each says how many: ${suggestions.join(" | ")}`);
      const link = page.locator(".no-results li a").first();
      const promised = Number((await page.locator(".no-results li").first().textContent()).match(/(\d+) results?/)[1]);
      await link.click();
      await page.waitForFunction(() => !document.querySelector(".no-results"));
      equal(await resultCount(page), promised, "following the suggestion gives the promised count");
      await context.close();
    });

    await test("axe-core finds no WCAG 2.2 AA violation on any page type (1280 and 360 px)", async () => {
      const failures = [];
      for (const width of [1280, 360]) {
        const { context, page } = await newPage({ bypassCSP: true, viewport: { width, height: 800 } });
        for (const [name, url] of Object.entries(pages)) {
          await page.goto(`${base}${url}`);
          const violations = await runAxe(page);
          if (violations.length) failures.push(`${name} at ${width}px:\n     ${violations.join("\n     ")}`);
        }
        await context.close();
      }
      assert(failures.length === 0, failures.join("\n"));
    });

    await test("every page has one h1, landmarks, lang=en-GB and a strict CSP", async () => {
      const { context, page } = await newPage();
      for (const [name, url] of Object.entries(pages)) {
        const response = await page.goto(`${base}${url}`);
        const headers = response.headers();
        assert((headers["content-security-policy"] || "").includes("script-src 'self'"), `${name}: CSP`);
        equal(headers["x-content-type-options"], "nosniff", `${name}: nosniff`);
        assert(!headers["set-cookie"], `${name}: sets no cookie`);
        const shape = await page.evaluate(() => ({
          lang: document.documentElement.lang,
          h1: document.querySelectorAll("h1").length,
          header: document.querySelectorAll("header").length,
          nav: document.querySelectorAll("nav").length > 0,
          main: document.querySelectorAll("main").length,
          footer: document.querySelectorAll("footer").length,
          inline: document.querySelectorAll("script:not([src]), style, [style]").length,
        }));
        equal(JSON.stringify(shape), JSON.stringify({ lang: "en-GB", h1: 1, header: 1, nav: true, main: 1, footer: 1, inline: 0 }), `${name}: page shape`);
      }
      await context.close();
    });

    await test("a hostile Markdown body renders inert", async () => {
      const { context, page, problems } = await newPage();
      await page.goto(`${base}/entries/${HOSTILE_ID}`);
      await page.locator("p", { hasText: "Hover or click this paragraph." }).hover();
      await page.locator("p", { hasText: "Hover or click this paragraph." }).click();
      for (const link of await page.locator(".body a").all()) await link.click({ noWaitAfter: true }).catch(() => {});
      await page.waitForTimeout(300);
      equal(await page.evaluate(() => window.__pwned), undefined, "window.__pwned");
      const found = await page.evaluate(() => {
        const body = document.querySelector(".body");
        const attrs = [...body.querySelectorAll("*")].flatMap((el) => [...el.attributes].map((a) => a.name)).filter((n) => n.startsWith("on"));
        return {
          jsLinks: [...document.querySelectorAll("[href], [src], [action]")].filter((el) => /^\s*javascript:/i.test(el.getAttribute("href") || el.getAttribute("src") || el.getAttribute("action") || "")).length,
          scripts: body.querySelectorAll("script, iframe, img, svg, form, object, embed").length,
          handlers: attrs.length,
        };
      });
      equal(JSON.stringify(found), JSON.stringify({ jsLinks: 0, scripts: 0, handlers: 0 }), "active content left in the body");
      assert(problems.filter((p) => !p.startsWith("console error")).length === 0, problems.join("\n"));
      await context.close();
    });

    await test("Exit this page: a plain link, and Shift pressed three times leaves", async () => {
      const { context, page } = await newPage();
      await context.route("https://www.bbc.co.uk/**", (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<title>Weather</title>" }));
      await page.goto(`${base}${pages.organisation}`);
      const exit = page.getByRole("link", { name: "Exit this page" });
      equal(await exit.getAttribute("href"), "https://www.bbc.co.uk/weather", "exit link");
      assert(await page.getByText("If a child is in immediate danger, call 999.").first().isVisible(), "the 999 line");
      await page.keyboard.press("Shift");
      await page.keyboard.press("Shift");
      await page.keyboard.press("Shift");
      await page.waitForURL("https://www.bbc.co.uk/weather");
      await context.close();
    });

    await test("served under a path: every link under it, live search, Back, and axe clean (JavaScript on)", async () => {
      const prefix = "/signpost";
      const prefixed = await startServer({ prefix });
      try {
        // axe-core is injected as an inline script, which the CSP forbids.
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
        const page = await context.newPage();
        page.setDefaultTimeout(10_000);
        const problems = watch(page, prefixed.base);
        const unprefixed = () => page.evaluate((p) => [...document.querySelectorAll("[href], [src], [action]")]
          .map((el) => el.getAttribute("href") ?? el.getAttribute("src") ?? el.getAttribute("action"))
          .filter((v) => v.startsWith("/") && !v.startsWith(`${p}/`)), prefix);
        await page.goto(`${prefixed.base}/`);
        equal(JSON.stringify(await unprefixed()), "[]", "links outside the path on the home page");
        await page.getByLabel("Search the resource bank").fill("consent");
        await page.keyboard.press("Enter");
        await page.waitForURL(/\/signpost\/search\?q=consent$/);
        const all = await resultCount(page);
        await page.evaluate(() => (window.__samePage = true));
        await page.getByRole("checkbox", { name: /^Key stage 2 \(ages 7-11\)/ }).check();
        await page.waitForURL(/\/signpost\/search\?q=consent&key_stage=ks2$/);
        await page.getByRole("link", { name: "Remove filter: Key stage 2" }).waitFor();
        assert(await page.evaluate(() => window.__samePage === true), "ticking a filter did not reload the page");
        const ks2 = await resultCount(page);
        assert(ks2 > 0 && ks2 <= all, `Key stage 2 narrows the results (${all} -> ${ks2})`);
        equal(JSON.stringify(await unprefixed()), "[]", "links outside the path after a live update");
        await page.getByRole("link", { name: "Remove filter: Key stage 2" }).click();
        await page.waitForURL(/\/signpost\/search\?q=consent$/);
        assert(await page.evaluate(() => window.__samePage === true), "removing a chip did not reload the page");
        const violations = await runAxe(page);
        assert(violations.length === 0, violations.join("\n"));
        await page.locator(".card-title a").first().click();
        await page.waitForURL(/\/signpost\/entries\//);
        equal(JSON.stringify(await unprefixed()), "[]", "links outside the path on an entry");
        await page.goBack();
        await page.waitForURL(/\/signpost\/search\?q=consent$/);
        equal(await resultCount(page), all, "result count after Back");
        assert(problems.length === 0, problems.join("\n"));
        await context.close();
      } finally {
        stopServer(prefixed);
      }
    });

    await test("print: navigation and filters hidden, link addresses written out", async () => {
      const { context, page } = await newPage();
      await page.emulateMedia({ media: "print" });
      await page.goto(`${base}${pages.search}`);
      for (const selector of [".site-header", ".filters", ".site-footer"]) {
        equal(await page.locator(selector).evaluate((el) => getComputedStyle(el).display), "none", `${selector} in print`);
      }
      await page.goto(`${base}${pages.organisation}`);
      const after = await page.locator("main a[href^='/entries/'], main a[href^='http']").first().evaluate((el) => getComputedStyle(el, "::after").content);
      assert(after.includes("/"), `links print their address (${after})`);
      await context.close();
    });

    await test("the Atom feed is well-formed with the fields readers need", async () => {
      const response = await fetch(`${base}/feed.xml`);
      assert(response.headers.get("content-type").startsWith("application/atom+xml"), "content type");
      const xml = await response.text();
      const { context, page } = await newPage();
      await page.goto(`${base}/`);
      const shape = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, "application/xml");
        if (doc.querySelector("parsererror")) return { error: doc.querySelector("parsererror").textContent };
        const ns = "http://www.w3.org/2005/Atom";
        const feed = doc.documentElement;
        const entries = [...feed.getElementsByTagNameNS(ns, "entry")];
        return {
          root: feed.namespaceURI === ns && feed.localName === "feed",
          id: !!feed.querySelector(":scope > id"),
          title: !!feed.querySelector(":scope > title"),
          updated: /^\d{4}-\d\d-\d\dT/.test(feed.querySelector(":scope > updated").textContent),
          self: !!feed.querySelector(':scope > link[rel="self"]'),
          entries: entries.length > 0 && entries.every((e) => ["id", "title", "updated", "summary", "link"].every((t) => e.getElementsByTagNameNS(ns, t).length)),
          ordered: entries.map((e) => e.getElementsByTagNameNS(ns, "updated")[0].textContent).every((d, i, a) => i === 0 || a[i - 1] >= d),
        };
      }, xml);
      equal(JSON.stringify(shape), JSON.stringify({ root: true, id: true, title: true, updated: true, self: true, entries: true, ordered: true }), "feed");
      await context.close();
    });

    await test("screenshots at 360 and 1280 px; no sideways scroll from 320 px; each page under 50 KB transferred", async () => {
      const failures = [];
      const sizes = [];
      for (const width of [320, 360, 1280]) {
        for (const [name, url] of Object.entries(pages)) {
          const { context, page, problems } = await newPage({ viewport: { width, height: 900 } });
          const requests = [];
          page.on("requestfinished", (r) => requests.push(r));
          await page.goto(`${base}${url}`, { waitUntil: "load" });
          let bytes = 0;
          for (const r of requests) {
            const s = await r.sizes();
            bytes += s.responseBodySize + s.responseHeadersSize;
          }
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          if (overflow > 0) failures.push(`${name} at ${width}px scrolls sideways by ${overflow}px`);
          if (width !== 320) await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: true });
          if (width === 1280) {
            sizes.push(`${name} ${(bytes / 1024).toFixed(1)} KB (${requests.length} requests)`);
            if (bytes >= BUDGET) failures.push(`${name} transferred ${bytes} bytes, over the ${BUDGET} byte budget`);
            const types = requests.map((r) => r.resourceType()).sort().join(",");
            if (!types.includes("stylesheet") || !types.includes("script")) failures.push(`${name} loaded ${types}`);
          }
          const real = problems.filter((p) => !(name === "not-found" || name === "bad-request") || !p.startsWith("HTTP 4"));
          if (real.length) failures.push(`${name} at ${width}px: ${real.join("; ")}`);
          await context.close();
        }
      }
      console.log(`     page weight (HTML+CSS+JS, compressed, with headers): ${sizes.join(", ")}`);
      assert(failures.length === 0, failures.join("\n"));
    });
  } finally {
    await browser.close();
    stopServer(server);
  }

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  console.log(`${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length + 1} failed`);
  process.exit(1);
});
