import { test, expect, Browser, Page } from "@playwright/test";
import { mp4, shots } from "./helpers";

// Every page, on a fresh install and in demo mode, as admin and as staff: each one loads,
// hydrates, and logs no console error, page error (a hydration panic is one) or CSP violation.
// scripts/e2e starts both servers and makes the accounts (E2E_* variables).

type Site = { name: string; base: string; admin: [string, string]; staff: [string, string] };

const sites: Site[] = [
  {
    name: "fresh",
    base: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    admin: [process.env.E2E_ADMIN ?? "admin", process.env.E2E_ADMIN_PASSWORD ?? ""],
    staff: [process.env.E2E_STAFF ?? "clerk", process.env.E2E_STAFF_PASSWORD ?? ""],
  },
  {
    name: "demo",
    base: process.env.DEMO_URL ?? "",
    admin: ["demo", process.env.E2E_DEMO_PASSWORD ?? ""],
    staff: [process.env.E2E_STAFF ?? "clerk", process.env.E2E_STAFF_PASSWORD ?? ""],
  },
];

const PAGES = [
  "/",
  "/platforms",
  "/shops",
  "/products",
  "/products/1",
  "/orders",
  "/stats",
  "/stats?days=7",
  "/promotions",
  "/promotions/new",
  "/promotions/1",
  "/ozon/credentials",
  "/ozon/images",
  "/ozon/listing",
  "/ozon/listing/pipeline",
  "/ozon/listing/inspection",
  "/account",
  "/platforms/apps",
  "/api-keys",
  "/users",
  "/audit",
];
const ADMIN_ONLY = ["/platforms/apps", "/api-keys", "/users", "/audit"];

/** Every error a page reports: console errors (CSP violations are logged as such) and
 * uncaught exceptions (a wasm panic or hydration failure). */
function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e}`));
  page.on("console", (m) => {
    // An admin page refused to staff answers 403 on purpose: the browser logs that status.
    if (m.type() === "error" && !/status of 403\b/.test(m.text())) errors.push(m.text());
  });
  return errors;
}

async function signIn(browser: Browser, site: Site, who: [string, string]) {
  const context = await browser.newContext({ baseURL: site.base });
  const page = await context.newPage();
  await page.goto("/login");
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 20_000 });
  await page.getByLabel("用户名").fill(who[0]);
  await page.getByLabel("密码").fill(who[1]);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).not.toHaveURL(/\/login/, { timeout: 15_000 });
  return { context, page };
}

for (const site of sites) {
  for (const role of ["admin", "staff"] as const) {
    test(`every page works: ${site.name}, ${role}`, async ({ browser }) => {
      test.skip(site.base === "", "DEMO_URL not set: run through scripts/e2e");
      test.setTimeout(180_000);
      const { context, page } = await signIn(browser, site, role === "admin" ? site.admin : site.staff);
      const errors = watch(page);
      for (const path of PAGES) {
        const res = await page.goto(path);
        const status = res?.status() ?? 0;
        // The browser logs a page's own 403/404 status as a console error: that status is
        // checked here instead.
        if (status === 404 || status === 403) {
          const own = new RegExp(`status of ${status}\\b`);
          for (let i = errors.length - 1; i >= 0; i--) if (own.test(errors[i])) errors.splice(i, 1);
        }
        if (role === "staff" && ADMIN_ONLY.includes(path)) {
          expect(status, path).toBe(403);
        } else {
          expect([200, 404], `${path} answered ${status}`).toContain(status);
        }
        await expect(page.locator("body[data-hydrated='true']"), path).toHaveCount(1, { timeout: 20_000 });
        // Give streamed parts and effects a moment to run (and to fail, if they do).
        await page.waitForLoadState("networkidle");
        await expect(page.locator("body"), path).not.toContainText("加载中…", { timeout: 15_000 });
        expect(errors, `${site.name} ${role} ${path}`).toEqual([]);
      }
      await page.goto("/orders");
      await page.screenshot({ path: `${shots}/every-page-${site.name}-${role}-orders.png`, fullPage: true });
      await context.close();
    });
  }
}

test("统计 and the media upload form read whole without JavaScript", async ({ browser }) => {
  const site = sites[1].base ? sites[1] : sites[0];
  const { context: signedIn } = await signIn(browser, site, site.admin);
  const cookies = await signedIn.cookies();
  await signedIn.close();
  const context = await browser.newContext({ baseURL: site.base, javaScriptEnabled: false });
  await context.addCookies(cookies);
  const page = await context.newPage();
  await page.goto("/stats?days=90");
  await expect(page.getByTestId("stats-totals")).toBeVisible();
  await expect(page.getByTestId("gmv-chart").locator("svg")).toHaveCount(1);
  await expect(page.locator("body")).not.toContainText("加载中…");
  // The period links work as plain links.
  await page.getByTestId("period-7").click();
  await expect(page).toHaveURL(/days=7/);
  await expect(page.getByTestId("stats-totals")).toContainText("近 7 天");
  await page.screenshot({ path: `${shots}/stats-no-js.png`, fullPage: true });
  if (site === sites[1]) {
    // The demo's draft 春节预热: its upload form posts and comes back, all without a script.
    await page.goto("/promotions/5");
    await expect(page.locator("form[enctype='multipart/form-data']")).toHaveCount(1);
    await expect(page.locator("body")).not.toContainText("加载中…");
    await expect(page.getByTestId("media-list")).not.toContainText("无脚本.mp4");
    await page.getByTestId("video-file").setInputFiles({ name: "无脚本.mp4", mimeType: "video/mp4", buffer: mp4(21, 200_000) });
    await page.getByTestId("upload").click();
    await expect(page).toHaveURL(/\/promotions\/5/);
    await expect(page.getByTestId("upload-result")).toContainText("已上传：无脚本.mp4");
    await expect(page.getByTestId("media-list")).toContainText("无脚本.mp4");
    await expect(page.getByTestId("media-list")).toContainText("0:21");
    await page.screenshot({ path: `${shots}/promotion-upload-no-js.png`, fullPage: true });
  }
  await context.close();
});
