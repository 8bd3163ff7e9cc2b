import { test, expect } from "@playwright/test";
import { ADMIN, ADMIN_PASSWORD, login, open, shots, watchErrors, addCredential } from "./helpers";

// Two different 1×1 PNGs.
const PNG_A = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const PNG_B = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

test("a draft: pick a type, fill the generated form, upload and reorder images, fix an error, save", async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, ADMIN, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/$/);
  await addCredential(page, "上架店");

  await open(page, "/ozon/listing");
  await page.getByTestId("new-draft").click();
  await expect(page).toHaveURL(/\/ozon\/listing\/drafts\/new$/);
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1);
  await page.getByLabel("Ozon 凭证").selectOption({ label: "上架店" });
  await page.getByLabel("货号（offer_id）").fill("E2E-BOOK-1");
  await page.getByLabel("商品名称（最多 500 字）").fill("俄文原版图书 <b>精装</b>");
  await page.getByLabel("条码（GTIN）").fill("4600051000058");
  await page.getByLabel("售价").fill("500");
  await page.getByLabel("增值税（0、0.05、0.07、0.1、0.2、0.22）").fill("0");
  await page.getByLabel("币种（CNY、RUB…）").fill("CNY");
  await page.getByLabel("长", { exact: true }).fill("20");
  await page.getByLabel("宽", { exact: true }).fill("14");
  await page.getByLabel("高", { exact: true }).fill("2");
  await page.getByLabel("尺寸单位（mm、cm、in）").fill("cm");
  await page.getByLabel("重量", { exact: true }).fill("300");
  await page.getByLabel("重量单位（g、kg、lb）").fill("g");

  // Pick a type; the attribute form is generated from the cache.
  await page.getByTestId("type-search").fill("Печатная");
  await page.getByTestId("type-option").first().click();
  await expect(page.getByTestId("chosen-type")).toContainText("Печатная книга");
  const attributes = page.getByTestId("attribute-form");
  await expect(attributes).toBeVisible();
  await attributes.locator("[data-testid=text-attribute][data-attribute='9048'] input").fill("Книга");
  await attributes.locator("[data-testid=text-attribute][data-attribute='9048'] input").blur();
  const dictionary = attributes.locator("[data-testid=dictionary-attribute][data-attribute='22232'] select");
  await expect(dictionary.locator("option")).not.toHaveCount(1);
  await dictionary.selectOption({ index: 1 });

  // Two uploads, then the second becomes the main image.
  await page.getByTestId("image-upload").setInputFiles([
    { name: "a.png", mimeType: "image/png", buffer: PNG_A },
    { name: "b.png", mimeType: "image/png", buffer: PNG_B },
  ]);
  await expect(page.getByTestId("image-item")).toHaveCount(2);
  // Each picture says what it is, and what Ozon will not like.
  await expect(page.getByTestId("image-info").first()).toContainText("PNG · 1×1");
  await expect(page.getByTestId("image-info").first()).toContainText("过小");
  const before = await page.getByTestId("image-url").allTextContents();
  await page.getByTestId("image-item").nth(1).dragTo(page.getByTestId("image-item").nth(0));
  await expect(page.getByTestId("image-url")).toHaveText([before[1], before[0]]);
  // Stock for one warehouse, typed wrong first.
  await page.getByTestId("add-stock").click();
  await expect(page.getByTestId("stock-row")).toHaveCount(1);
  await page.getByTestId("stock-row").getByLabel("库存数量").fill("十个");
  await page.screenshot({ path: `${shots}/30-draft-filled.png`, fullPage: true });

  // Save: the wrong check digit is reported next to the barcode, and the draft is kept.
  await page.getByTestId("save-draft").click();
  await expect(page).toHaveURL(/\/ozon\/listing\/drafts\/E2E-BOOK-1$/);
  const barcodeProblem = page.locator("[data-testid=field-problem][data-field='barcode']");
  await expect(barcodeProblem).toContainText("条码校验位错误");
  await expect(page.locator("[data-testid=field-problem][data-field='stocks.1']")).toContainText("库存应为");
  await expect(page.getByTestId("stock-row").getByLabel("库存数量")).toHaveValue("十个");
  await expect(page.getByLabel("商品名称（最多 500 字）")).toHaveValue("俄文原版图书 <b>精装</b>");
  await page.screenshot({ path: `${shots}/31-draft-problem.png`, fullPage: true });

  // Following a card by SKU needs the SKU.
  await page.getByLabel("建卡方式").selectOption("follow_sku");
  await page.getByTestId("save-draft").click();
  await expect(page.locator("[data-testid=field-problem][data-field='follow_sku']")).toContainText("SKU");
  await page.getByLabel("建卡方式").selectOption("new");
  await page.getByLabel("条码（GTIN）").fill("4600051000057");
  await page.getByTestId("stock-row").getByLabel("库存数量").fill("10");
  await page.getByTestId("save-draft").click();
  await expect(page.getByText("已保存，检查全部通过")).toBeVisible();
  await expect(barcodeProblem).toHaveCount(0);
  await expect(page.getByTestId("image-url")).toHaveText([before[1], before[0]]);

  await open(page, "/ozon/listing");
  const row = page.getByTestId("draft-row").filter({ hasText: "E2E-BOOK-1" });
  await expect(row).toContainText("可提交");
  await page.screenshot({ path: `${shots}/32-drafts.png`, fullPage: true });
  expect(errors).toEqual([]);
});

test("spreadsheets: download a type's template, upload rows, read the per-row report", async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, ADMIN, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/$/);
  await addCredential(page, "表格店");

  await open(page, "/ozon/listing");
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1);
  const panel = page.getByTestId("sheet-panel");
  await panel.getByLabel("Ozon 凭证").selectOption({ label: "表格店" });
  await panel.getByTestId("type-search").fill("Печатная");
  await panel.getByTestId("type-option").first().click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    panel.getByTestId("template-xlsx").click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^ozon-template-\d+-\d+\.xlsx$/);
  const saved = await download.path();
  expect(saved).toBeTruthy();

  const csv = [
    "货号* (offer_id),商品名称* (name),类目ID* (description_category_id),类型ID* (type_id),售价* (price)",
    "E2E-SHEET-1,<script>alert(1)</script>,200001483,971445087,100",
    "../etc/passwd,路径,200001483,971445087,100",
    "E2E-SHEET-2,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",200001483,971445087,abc",
  ].join("\r\n");
  await panel.getByTestId("sheet-file").setInputFiles({ name: "商品.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  const report = panel.getByTestId("import-report");
  await expect(report).toContainText("新建 2，更新 0，无变化 0，未导入 1");
  await expect(report.getByTestId("import-row")).toHaveCount(3);
  await expect(report.locator("[data-testid=import-row][data-status=rejected]")).toContainText("不能包含 /");
  await expect(report.locator("[data-testid=import-row][data-status=created]").last()).toContainText("售价应为大于 0 的数字");
  await expect(panel.getByTestId("import-list")).toContainText("商品.csv");
  // The new drafts show in the list at once; the hostile name is text, not markup.
  await expect(page.getByTestId("draft-row").filter({ hasText: "E2E-SHEET-1" })).toContainText("<script>alert(1)</script>");
  await page.screenshot({ path: `${shots}/33-sheet-import.png`, fullPage: true });
  expect(errors).toEqual([]);
});

test("Cloudinary: an admin sets it for an account; drafts add pictures by public_id, moved pictures change transformation", async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, ADMIN, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/$/);
  await addCredential(page, "云图店");

  await open(page, "/ozon/listing");
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1);
  const panel = page.getByTestId("cloudinary-panel");
  await panel.getByLabel("Ozon 凭证").selectOption({ label: "云图店" });
  await panel.getByLabel("Cloud name").fill("evil.com/x");
  await page.getByTestId("cloudinary-save").click();
  await expect(page.getByText("Cloud name 只能包含字母")).toBeVisible();
  await panel.getByLabel("Cloud name").fill("demo-shop");
  await panel.getByLabel("文件夹").fill("products");
  await page.getByTestId("cloudinary-save").click();
  await expect(page.getByTestId("cloudinary-current")).toContainText("demo-shop / products");

  // No internet here: Cloudinary's CDN answers with a picture from the test.
  await page.route("https://res.cloudinary.com/**", (route) =>
    route.fulfill({ contentType: "image/png", body: PNG_A }),
  );
  await open(page, "/ozon/listing/drafts/new");
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1);
  await page.getByLabel("Ozon 凭证").selectOption({ label: "云图店" });
  const add = page.getByTestId("cloudinary-add");
  await add.locator("textarea").fill("cups/a\ncups/b.jpg");
  await add.getByRole("button", { name: "从 Cloudinary 添加" }).click();
  const urls = page.getByTestId("image-url");
  await expect(urls).toHaveText([
    "https://res.cloudinary.com/demo-shop/image/upload/ar_3:4,c_pad,b_white,w_1600,f_jpg,q_auto:good/products/cups/a.jpg",
    "https://res.cloudinary.com/demo-shop/image/upload/ar_3:4,c_fill,g_auto,w_1600,f_jpg,q_auto:good/products/cups/b.jpg",
  ]);
  await page.getByTestId("image-item").nth(1).dragTo(page.getByTestId("image-item").nth(0));
  await expect(urls).toHaveText([
    "https://res.cloudinary.com/demo-shop/image/upload/ar_3:4,c_pad,b_white,w_1600,f_jpg,q_auto:good/products/cups/b.jpg",
    "https://res.cloudinary.com/demo-shop/image/upload/ar_3:4,c_fill,g_auto,w_1600,f_jpg,q_auto:good/products/cups/a.jpg",
  ]);
  await add.locator("textarea").fill("../etc/passwd");
  await add.getByRole("button", { name: "从 Cloudinary 添加" }).click();
  await expect(page.getByText("public_id「../etc/passwd」无效")).toBeVisible();
  await expect(urls).toHaveCount(2);
  await page.screenshot({ path: `${shots}/34-cloudinary.png`, fullPage: true });
  expect(errors).toEqual([]);
});
