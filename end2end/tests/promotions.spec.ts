import { test, expect } from "@playwright/test";
import { ADMIN, ADMIN_PASSWORD, login, mp4, open, shots, watchErrors } from "./helpers";

// Runs after platforms.spec.ts (one worker, files in order): the Douyin account 小店主播 is
// connected to `shopbridge sim`, which also plays Douyin's content API.


test("a video promotion is created, confirmed, published and shows on the dashboard", async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, ADMIN, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/$/);

  await page.getByRole("navigation").getByRole("link", { name: "推广" }).click();
  await expect(page).toHaveURL(/\/promotions$/);
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 20_000 });
  await page.getByTestId("new-promotion").click();
  await expect(page).toHaveURL(/\/promotions\/new$/);
  await expect(page.getByTestId("account")).toContainText("小店主播");
  await page.getByTestId("title").fill("冬季新品短视频");
  await page.getByTestId("body").fill("冬季新品上市 #好物推荐 @小店主播");
  await page.getByTestId("mentions").fill("@小店主播 sim-open-id-0001");
  await page.getByTestId("save").click();
  await expect(page).toHaveURL(/\/promotions\/\d+$/);
  await expect(page.getByTestId("problems")).toContainText("短视频需要上传一个视频文件");
  await page.screenshot({ path: `${shots}/60-promotion-draft.png`, fullPage: true });

  // A plain multipart form: the file streams into our object store.
  await page.getByTestId("video-file").setInputFiles({ name: "冬季新品.mp4", mimeType: "video/mp4", buffer: mp4(42, 300_000) });
  await page.getByTestId("upload").click();
  await expect(page.getByTestId("upload-result")).toContainText("已上传：冬季新品.mp4");
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 20_000 });
  await expect(page.getByTestId("media")).toContainText("0:42");
  await expect(page.getByTestId("problems")).toHaveCount(0);

  // Without the tick the server refuses; with it the post goes out to the named account.
  await expect(page.getByTestId("target-account")).toHaveText("小店主播");
  await page.getByTestId("publish").click();
  await expect(page.getByRole("alert").filter({ hasText: "请先勾选「是否同步」" })).toBeVisible();
  await page.getByTestId("confirm-publish").check();
  await page.screenshot({ path: `${shots}/61-promotion-confirm.png`, fullPage: true });
  await page.getByTestId("publish").click();
  await expect(page.getByRole("status").filter({ hasText: "已确认" })).toBeVisible();
  await expect(page.getByTestId("state")).toHaveText("已发布", { timeout: 30_000 });
  await expect(page.getByTestId("review")).toHaveText("抖音审核中");
  await expect(page.getByTestId("timeline")).toContainText("确认立即发布到抖音账号「小店主播」");
  await page.screenshot({ path: `${shots}/62-promotion-published.png`, fullPage: true });

  // The list, read-back from Douyin, then the dashboard's chart and a CSV.
  await open(page, "/promotions");
  await page.getByRole("button", { name: "从抖音刷新数据" }).click();
  await expect(page.getByRole("status").filter({ hasText: "已从抖音刷新" })).toBeVisible();
  await page.getByRole("button", { name: "从抖音刷新数据" }).click();
  const row = page.getByTestId("promotion-row").filter({ hasText: "冬季新品短视频" });
  await expect(row).toContainText("审核已通过", { timeout: 10_000 });
  await page.screenshot({ path: `${shots}/63-promotions-list.png`, fullPage: true });

  await page.getByRole("navigation").getByRole("link", { name: "统计" }).click();
  await expect(page.getByTestId("publish-chart").locator("svg g[data-series='发布成功'] polyline")).toHaveCount(1);
  await expect(page.getByTestId("promotion-effect-row").filter({ hasText: "冬季新品短视频" })).toHaveCount(1);
  await page.getByTestId("publish-chart").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/64-stats-promotions.png` });
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("csv-promotions").click()]);
  const text = Buffer.concat(await (await download.createReadStream()).toArray()).toString("utf8");
  expect(text).toContain("冬季新品短视频");
  expect(text.replace(/^\uFEFF/, "").split("\n")[0].trim()).toBe("推广,类型,账号,状态,播放,互动,订单数,成交额（元）");
  expect(await page.content()).not.toMatch(/act\.sim|rft\.sim/);
  expect(errors).toEqual([]);
});
