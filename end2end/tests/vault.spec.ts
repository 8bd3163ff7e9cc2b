import { test, expect } from "@playwright/test";
import { ADMIN, ADMIN_PASSWORD, login, open, shots, watchErrors } from "./helpers";

// The server runs with SHOPBRIDGE_OZON_API_URL pointing at `shopbridge sim` (scripts/e2e).
const OZON_KEY = "ozon-demo-valid-key-0001";

test("admin keeps an Ozon credential and an API key; staff sees names only", async ({ page, browser }) => {
  const errors = watchErrors(page);
  await login(page, ADMIN, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/$/);

  await page.getByRole("navigation").getByRole("link", { name: "Ozon 凭证" }).click();
  await expect(page).toHaveURL(/\/ozon\/credentials$/);
  const form = page.getByTestId("add-credential-form");
  await form.getByLabel("名称").fill("俄罗斯主店");
  await form.getByLabel("Client-Id").fill("100001");
  await form.getByLabel("Api-Key").fill(OZON_KEY);
  await form.getByRole("button", { name: "添加凭证" }).click();
  await expect(page.getByRole("status").filter({ hasText: "已添加凭证" })).toHaveText("已添加凭证「俄罗斯主店」");
  const row = page.locator("tr[data-name='俄罗斯主店']");
  await expect(row).toContainText("••••0001");
  await expect(row).not.toContainText(OZON_KEY);

  await row.getByRole("button", { name: "测试连接" }).click();
  await expect(page.getByTestId("test-result")).toContainText("连接成功");
  await expect(page.getByTestId("test-result")).toContainText("Api-Key 到期时间");
  await expect(row.getByTestId("expiry")).toContainText(/\d{4}-\d{2}-\d{2}.*剩余 \d+ 天/);
  await page.screenshot({ path: `${shots}/10-credential-tested.png`, fullPage: true });

  // A second credential whose key the simulator says is invalid: the reason is shown.
  await form.getByLabel("名称").fill("错误密钥");
  await form.getByLabel("Client-Id").fill("100001");
  await form.getByLabel("Api-Key").fill("ozon-wrong-key-9999");
  await form.getByRole("button", { name: "添加凭证" }).click();
  await expect(page.getByRole("status").filter({ hasText: "已添加凭证" })).toHaveText("已添加凭证「错误密钥」");
  await page.locator("tr[data-name='错误密钥']").getByRole("button", { name: "测试连接" }).click();
  await expect(page.getByTestId("test-result")).toContainText("Api-Key 无效");
  await page.screenshot({ path: `${shots}/11-credential-invalid.png`, fullPage: true });

  // An API key is shown once.
  await page.getByRole("navigation").getByRole("link", { name: "API 密钥" }).click();
  await page.getByLabel("名称").fill("ERP 同步");
  await page.getByRole("button", { name: "创建密钥" }).click();
  const shown = page.getByTestId("new-api-key");
  await expect(shown).toHaveText(/^sbk_/);
  const apiKey = (await shown.textContent()) ?? "";
  await expect(page.getByTestId("api-key-row")).toContainText("ERP 同步");
  await page.screenshot({ path: `${shots}/12-api-key-once.png`, fullPage: true });
  const health = await page.request.get("/api/v1/whoami", { headers: { "X-API-Key": apiKey } });
  expect(health.status()).toBe(200);
  await page.reload();
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 20_000 });
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
  expect(await page.content()).not.toContain(apiKey);

  // A staff user for the next part.
  await open(page, "/users");
  const users = page.getByTestId("add-user-form");
  await users.getByLabel("用户名").fill("staff2");
  await users.getByLabel("显示名称").fill("李小红");
  await users.getByLabel("初始密码").fill("staff-password-2");
  await users.getByRole("button", { name: "添加用户" }).click();
  await expect(page.getByRole("status")).toHaveText("已添加用户 staff2");
  expect(errors).toEqual([]);

  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  const staffErrors = watchErrors(staff);
  await login(staff, "staff2", "staff-password-2");
  await expect(staff).toHaveURL(/\/$/);
  await open(staff, "/ozon/credentials");
  const names = staff.getByTestId("credential-names");
  await expect(names).toContainText("俄罗斯主店");
  const html = await staff.content();
  expect(html).not.toContain(OZON_KEY);
  expect(html).not.toContain("100001");
  expect(html).not.toContain("••••");
  await staff.screenshot({ path: `${shots}/13-staff-credential-names.png`, fullPage: true });
  expect(staffErrors).toEqual([]);
  await staffContext.close();
});
