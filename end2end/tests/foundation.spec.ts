import { test, expect } from "@playwright/test";
import { ADMIN, ADMIN_PASSWORD, login, open, shots, watchErrors } from "./helpers";

test("admin made by the CLI adds a staff user; staff sees no admin pages", async ({ page, browser }) => {
  expect(ADMIN_PASSWORD, "E2E_ADMIN_PASSWORD is set by scripts/e2e").not.toBe("");
  const errors = watchErrors(page);

  // A wrong password gets the Chinese message and stays on the login page.
  await login(page, ADMIN, "definitely-wrong-password");
  await expect(page.getByRole("alert")).toHaveText("用户名或密码错误");
  await page.screenshot({ path: `${shots}/01-login-refused.png`, fullPage: true });

  await login(page, ADMIN, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("current-user")).toContainText("管理员");
  await expect(page.getByRole("navigation")).toContainText("用户");
  await page.screenshot({ path: `${shots}/02-admin-home.png`, fullPage: true });

  // Client-side navigation to 用户, then add a staff user.
  await page.getByRole("navigation").getByRole("link", { name: "用户" }).click();
  await expect(page).toHaveURL(/\/users$/);
  const form = page.getByTestId("add-user-form");
  await form.getByLabel("用户名").fill("../etc/passwd");
  await form.getByLabel("显示名称").fill("坏名字");
  await form.getByLabel("初始密码").fill("staff-password-1");
  await form.getByRole("button", { name: "添加用户" }).click();
  await expect(page.getByRole("alert")).toContainText("用户名只能包含");
  await page.screenshot({ path: `${shots}/03-add-user-refused.png`, fullPage: true });

  await form.getByLabel("用户名").fill("staff1");
  await form.getByLabel("显示名称").fill("王小明");
  await form.getByLabel("角色").selectOption("staff");
  await form.getByLabel("初始密码").fill("staff-password-1");
  await form.getByRole("button", { name: "添加用户" }).click();
  await expect(page.getByRole("status")).toHaveText("已添加用户 staff1");
  await expect(page.locator("tr[data-user='staff1']")).toContainText("王小明");
  await page.screenshot({ path: `${shots}/04-users.png`, fullPage: true });

  // The audit log shows what just happened.
  await page.getByRole("navigation").getByRole("link", { name: "审计日志" }).click();
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  await expect(page.locator("table")).toContainText("添加用户");
  await expect(page.locator("table")).toContainText("登录失败");
  await page.screenshot({ path: `${shots}/05-audit.png`, fullPage: true });

  await page.getByRole("button", { name: "退出" }).click();
  await expect(page).toHaveURL(/\/login$/);
  expect(errors).toEqual([]);

  // The staff user, in a fresh browser context.
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  const staffErrors = watchErrors(staff);
  await login(staff, "staff1", "staff-password-1");
  await expect(staff).toHaveURL(/\/$/);
  await expect(staff.getByTestId("current-user")).toContainText("王小明");
  const nav = staff.getByRole("navigation");
  await expect(nav).toContainText("Ozon 图片下载");
  for (const adminLink of ["用户", "审计日志", "平台应用", "API 密钥"]) {
    await expect(nav.getByRole("link", { name: adminLink, exact: true })).toHaveCount(0);
  }
  await staff.screenshot({ path: `${shots}/06-staff-home.png`, fullPage: true });

  for (const path of ["/users", "/audit", "/platforms/apps", "/api-keys"]) {
    const res = await staff.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(staff.getByTestId("forbidden")).toContainText("无权访问");
    await expect(staff.locator("tr[data-user]")).toHaveCount(0);
  }
  await staff.screenshot({ path: `${shots}/07-staff-refused.png`, fullPage: true });

  // Staff work on promotions too (each publish is confirmed and audited with their name).
  await open(staff, "/promotions");
  await expect(staff.getByTestId("new-promotion")).toBeVisible();
  await staff.screenshot({ path: `${shots}/08-staff-promotions.png`, fullPage: true });
  expect(staffErrors).toEqual([]);
  await staffContext.close();
});
