import { test, expect } from "@playwright/test";
import { ADMIN, ADMIN_PASSWORD, login, open, shots, watchErrors, addCredential } from "./helpers";

test("a download task: progress moves, thumbnails show, history survives a reload", async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, ADMIN, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/$/);

  // A stored credential to pick by name.
  await addCredential(page, "图片店");

  await open(page, "/ozon/images");
  await expect(page.getByRole("heading", { name: "Ozon 图片下载" })).toBeVisible();
  // A CSV fills the article box (first column, header skipped).
  await page.getByTestId("article-file").setInputFiles({
    name: "货号.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("货号,名称\nSB-001,杯子\nSB-002,盘子\n"),
  });
  await expect(page.getByText("已从文件读取 2 个货号")).toBeVisible();
  const box = page.getByLabel("货号（每行一个，最多 100 个）");
  await expect(box).toHaveValue("SB-001\nSB-002");
  await box.fill("SB-001\nSB-002\nSB-004\nSB-001\nNOPE\n<img src=x onerror=alert(1)>");
  await expect(page.getByTestId("article-count")).toContainText("去重后 5 个货号");
  await page.getByLabel("Ozon 凭证").selectOption({ label: "图片店" });
  await page.screenshot({ path: `${shots}/20-images-form.png`, fullPage: true });
  await page.getByTestId("start-task").click();

  await expect(page).toHaveURL(/\/ozon\/images\/tasks\/\d+$/);
  const bar = page.getByTestId("progress").getByRole("progressbar");
  const seen = new Set<number>();
  let midShot = false;
  for (let i = 0; i < 200; i++) {
    const value = Number(await bar.getAttribute("aria-valuenow"));
    seen.add(value);
    if (value > 0 && value < 100 && !midShot) {
      await page.screenshot({ path: `${shots}/21-images-progress.png`, fullPage: true });
      midShot = true;
    }
    if (value === 100) break;
    await page.waitForTimeout(100);
  }
  const between = [...seen].filter((v) => v > 0 && v < 100);
  expect(between.length, `progress values seen: ${[...seen].join(",")}`).toBeGreaterThan(0);
  await expect(page.getByTestId("task-status")).toHaveText("已完成");
  await expect(page.getByTestId("thumb")).toHaveCount(9);
  await expect(page.getByTestId("progress-text")).toContainText("成功 9");
  await expect(page.locator("[data-testid=task-item][data-article='NOPE']")).toContainText("PRODUCT_NOT_FOUND");
  // The hostile article is shown as text, never run.
  await expect(page.locator("[data-testid=task-item]").filter({ hasText: "<img src=x onerror=alert(1)>" })).toHaveCount(1);
  // Thumbnails really load from /media.
  const firstThumb = page.getByTestId("thumb").first();
  await expect.poll(() => firstThumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await page.getByTestId("copy-urls").click();
  await expect(page.getByTestId("copy-urls")).toHaveText("已复制链接");
  await expect(page.getByTestId("all-urls")).toHaveValue(/\/media\/users\/\d+\/ozon\/SB-001\/SB-001_1\.png/);
  await page.screenshot({ path: `${shots}/22-images-done.png`, fullPage: true });

  // After a reload the task is shown as it stands.
  const taskUrl = page.url();
  await page.reload();
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 20_000 });
  await expect(page.getByTestId("task-status")).toHaveText("已完成");
  await expect(page.getByTestId("thumb")).toHaveCount(9);

  // And it is in the history, which opens it again.
  await open(page, "/ozon/images");
  const row = page.getByTestId("task-row").first();
  await expect(row).toContainText("图片店");
  await expect(row).toContainText("9 / 9");
  await expect(row).toContainText("已完成");
  await page.screenshot({ path: `${shots}/23-images-history.png`, fullPage: true });
  await row.getByRole("link", { name: "查看" }).click();
  await expect(page).toHaveURL(taskUrl);
  await expect(page.getByTestId("thumb")).toHaveCount(9);

  // Refused input keeps what was typed and says why.
  await open(page, "/ozon/images");
  await page.getByLabel("货号（每行一个，最多 100 个）").fill("ok\n../etc/passwd");
  await page.getByTestId("start-task").click();
  await expect(page.getByRole("alert")).toContainText("第 2 个货号");
  await expect(page.getByLabel("货号（每行一个，最多 100 个）")).toHaveValue("ok\n../etc/passwd");
  expect(errors).toEqual([]);
});
