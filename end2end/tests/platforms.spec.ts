import { test, expect, Page } from "@playwright/test";
import { ADMIN, ADMIN_PASSWORD, login, open, shots, watchErrors } from "./helpers";

// scripts/e2e points SHOPBRIDGE_DOUYIN_API_URL, SHOPBRIDGE_DOUDIAN_API_URL and
// SHOPBRIDGE_DOUDIAN_AUTH_URL at `shopbridge sim`, whose 抖店 shop has 120 products and 300 orders.

async function enableApp(page: Page, platform: string, key: string, secret: string, serviceId?: string) {
  const card = page.locator("section").filter({ has: page.locator(`[data-platform=${platform}]`) });
  const keyLabel = platform === "douyin" ? "client_key" : "app_key";
  const secretLabel = platform === "douyin" ? "client_secret" : "app_secret";
  await card.getByLabel(keyLabel).fill(key);
  await card.getByLabel(secretLabel).fill(secret);
  if (serviceId) await card.getByLabel("service_id").fill(serviceId);
  await card.getByLabel("启用").check();
  await card.getByRole("button", { name: "保存" }).click();
  await expect(page.getByRole("status").filter({ hasText: "已保存" })).toHaveCount(1);
}

test("admin connects a Douyin account and a 抖店 shop through OAuth; shops, products and orders sync", async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, ADMIN, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/$/);

  await open(page, "/platforms/apps");
  await enableApp(page, "douyin", "tt-demo-client-key", "douyin-demo-client-secret-0001");
  await open(page, "/platforms/apps");
  await enableApp(page, "doudian", "7000000000000000001", "doudian-demo-app-secret-0001", "880001");

  await page.getByRole("navigation").getByRole("link", { name: "平台", exact: true }).click();
  await expect(page).toHaveURL(/\/platforms$/);
  for (const later of ["taobao", "jd", "pdd"]) {
    await expect(page.locator(`[data-platform=${later}]`)).toContainText("尚未接入");
  }
  await expect(page.getByTestId("no-accounts")).toBeVisible();
  await page.screenshot({ path: `${shots}/50-platforms-empty.png`, fullPage: true });

  // Douyin: our button → Douyin's authorize page (the simulator) → back with code and state.
  await page.getByTestId("connect-douyin").click();
  await expect(page).toHaveTitle("抖音授权（模拟）");
  expect(page.url()).toContain("client_key=tt-demo-client-key");
  expect(page.url()).toContain("scope=user_info%2Crenew_refresh_token");
  await page.screenshot({ path: `${shots}/51-douyin-authorize.png`, fullPage: true });
  await page.locator("#approve").click();
  await expect(page).toHaveURL(/\/platforms$/);
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 20_000 });
  await expect(page.getByTestId("oauth-result")).toContainText("已连接抖音「小店主播」");
  const douyinRow = page.getByTestId("account-row").filter({ hasText: "sim-open-id-0001" });
  await expect(douyinRow.getByTestId("account-status")).toHaveText("已连接");
  await expect(douyinRow).toContainText("已续期 0/5 次");
  await page.screenshot({ path: `${shots}/52-douyin-connected.png`, fullPage: true });

  // 抖店: the service market's page, then back.
  await page.getByTestId("connect-doudian").click();
  await expect(page).toHaveTitle("抖店服务市场授权（模拟）");
  expect(page.url()).toContain("service_id=880001");
  await page.locator("#approve").click();
  await expect(page).toHaveURL(/\/platforms$/);
  await expect(page.getByTestId("oauth-result")).toContainText("已连接抖店「测试店铺」");
  await expect(page.getByTestId("account-row")).toHaveCount(2);
  const html = await page.content();
  expect(html).not.toMatch(/act\.sim|rft\.sim|4a0a3d31-sim|2ecd9731-sim|demo-client-secret|demo-app-secret/);

  // The first sync starts at once; the shops page follows it.
  await page.getByRole("navigation").getByRole("link", { name: "店铺" }).click();
  const shop = page.getByTestId("shop-row").filter({ hasText: "测试店铺" });
  await expect(shop.getByTestId("shop-products")).toHaveText("120", { timeout: 30_000 });
  await expect(shop.getByTestId("shop-orders")).toHaveText("300", { timeout: 30_000 });
  await expect(shop).toContainText("同步了 120 个商品");
  await page.screenshot({ path: `${shots}/53-shops-synced.png`, fullPage: true });

  await page.getByRole("navigation").getByRole("link", { name: "商品", exact: true }).click();
  await expect(page.getByTestId("total")).toContainText("共 120 条");
  await page.getByTestId("product-search").fill("SKU-00012");
  await page.getByTestId("product-search").press("Enter");
  await expect(page.getByTestId("product-row")).toHaveCount(1);
  await page.screenshot({ path: `${shots}/54-products-search.png`, fullPage: true });
  await page.getByTestId("product-row").getByRole("link").click();
  await expect(page.getByTestId("product-detail")).toContainText("SKU-00012");
  await page.screenshot({ path: `${shots}/55-product-detail.png`, fullPage: true });

  await page.getByRole("navigation").getByRole("link", { name: "订单" }).click();
  await expect(page.getByTestId("order-totals")).toContainText("合计 300 单");
  await page.getByTestId("order-status").selectOption({ label: "已完成" });
  await expect(page.getByTestId("order-totals")).toContainText("合计 75 单");
  await expect(page.getByTestId("total")).toHaveText("共 75 条 · 第 1/2 页");
  await page.getByTestId("next-page").click();
  await expect(page.getByTestId("total")).toHaveText("共 75 条 · 第 2/2 页");
  await expect(page.getByTestId("order-row")).toHaveCount(25);
  await page.screenshot({ path: `${shots}/56-orders-filtered.png`, fullPage: true });

  // 统计: a chart drawn on the server, and a table exported as CSV.
  await page.getByRole("navigation").getByRole("link", { name: "统计" }).click();
  await expect(page.getByTestId("stats-totals")).toContainText("300 单");
  await expect(page.getByTestId("gmv-chart").locator("svg g[data-series='测试店铺'] circle")).toHaveCount(30);
  await expect(page.getByTestId("top-row")).toHaveCount(7);
  await page.screenshot({ path: `${shots}/58-stats.png`, fullPage: true });
  await page.getByTestId("period-7").click();
  await expect(page.getByTestId("stats-totals")).toContainText("近 7 天");
  await expect(page.getByTestId("gmv-chart").locator("svg circle")).toHaveCount(7);
  await page.screenshot({ path: `${shots}/59-stats-7-days.png`, fullPage: true });
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("csv-products").click()]);
  expect(download.suggestedFilename()).toBe("stats-products-7d.csv");
  const csv = await (await download.createReadStream()).toArray();
  const text = Buffer.concat(csv).toString("utf8");
  expect(text.replace(/^\uFEFF/, "").split("\n")[0].trim()).toBe("商品 ID,商品,订单数,件数,成交额（元）");
  expect(errors).toEqual([]);
});

test("a forged callback is refused with a message in Chinese", async ({ page }) => {
  await login(page, ADMIN, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/oauth/douyin/callback?code=stolen&state=forged");
  await expect(page).toHaveURL(/\/platforms$/);
  await expect(page.getByTestId("oauth-result")).toContainText("授权请求无效：state 不匹配或已被使用");
  await page.screenshot({ path: `${shots}/57-forged-state.png`, fullPage: true });
});
