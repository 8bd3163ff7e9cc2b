import { test, expect, Page } from "@playwright/test";
import { ADMIN, ADMIN_PASSWORD, login, open, shots, watchErrors, addCredential } from "./helpers";

const SIM = process.env.E2E_SIM_URL ?? "http://127.0.0.1:3131";

/** A server function called from the signed-in page (same cookies, same origin). */
async function call(page: Page, endpoint: string, form: Record<string, string>) {
  const origin = new URL(page.url()).origin;
  const res = await page.request.post(`/sf/${endpoint}`, { form, headers: { Origin: origin } });
  expect(res.status(), `${endpoint}: ${await res.text()}`).toBe(200);
  return res.json();
}

function draft(offerId: string, name: string) {
  return {
    offer_id: offerId,
    name,
    description_category_id: 200001483,
    type_id: 971445087,
    barcode: "4600051000057",
    depth: "20", width: "14", height: "2", dimension_unit: "cm",
    weight: "300", weight_unit: "g",
    price: "500", old_price: "", vat: "0", currency_code: "CNY",
    attributes: [
      { id: 9048, values: [{ value: "Книга" }] },
      { id: 22232, values: [{ dictionary_value_id: 5056737 }] },
    ],
    images: [`${SIM}/img/100001/1.png`],
    stocks: [{ warehouse_id: 22142605386000, stock: "5" }],
  };
}

test("pipeline: submit 3 drafts from the board, watch them reach ReadyForSale, fix and retry a failure", async ({ page }) => {
  test.setTimeout(150_000);
  const errors = watchErrors(page);
  await login(page, ADMIN, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/$/);
  await addCredential(page, "流程店");

  // Three drafts that pass the validator; the third follows a SKU Ozon does not know.
  await open(page, "/ozon/listing/drafts/new");
  const credential = await page.getByLabel("Ozon 凭证").locator("option", { hasText: "流程店" }).getAttribute("value");
  expect(credential).toBeTruthy();
  await call(page, "listing_cache_refresh", { credential_id: credential! });
  const copy = { ...draft("E2E-FLOW-3", "跟卖 图书"), mode: "follow_sku", follow_sku: "999" };
  for (const d of [draft("E2E-FLOW-1", "流程 图书 一"), draft("E2E-FLOW-2", "流程 图书 二"), copy]) {
    const problems = await call(page, "listing_draft_save", { credential_id: credential!, draft: JSON.stringify(d) });
    expect(problems).toEqual([]);
  }

  await open(page, "/ozon/listing/pipeline");
  const row = (id: string) => page.locator(`[data-testid=pipeline-row][data-offer='${id}']`);
  for (const id of ["E2E-FLOW-1", "E2E-FLOW-2", "E2E-FLOW-3"]) {
    await expect(row(id)).toHaveAttribute("data-state", "unsubmitted");
    await row(id).getByLabel(`选择 ${id}`).check();
  }
  await expect(page.getByTestId("selected-count")).toHaveText("已选 3 个");
  await page.screenshot({ path: `${shots}/40-pipeline-selected.png`, fullPage: true });
  await page.getByTestId("submit-selected").click();
  await expect(page.getByTestId("bulk-result")).toContainText("成功 3 个");

  // The board refreshes by itself while products move.
  for (const id of ["E2E-FLOW-1", "E2E-FLOW-2"]) {
    await expect(row(id)).toHaveAttribute("data-state", /ReadyForSale|Live/, { timeout: 60_000 });
  }
  await expect(row("E2E-FLOW-3")).toHaveAttribute("data-state", "Error", { timeout: 30_000 });
  await expect(row("E2E-FLOW-3")).toContainText("找不到 SKU 999");
  await expect(page.getByTestId("count-review")).toContainText("人工复核 1");
  await page.screenshot({ path: `${shots}/41-pipeline-ready-and-failed.png`, fullPage: true });

  // The product page: state, Ozon's message, timeline.
  await row("E2E-FLOW-3").getByRole("link", { name: "E2E-FLOW-3" }).click();
  await expect(page.getByTestId("product-state")).toHaveText("出错");
  await expect(page.getByTestId("product-error")).toContainText("unmatched_sku_list");
  await expect(page.getByTestId("timeline")).toBeVisible();

  // Fix the SKU in the draft (saved as the editor saves it), then retry from the board.
  // (Reloading a saved draft with stocks in the editor does not hydrate yet: see the issue note.)
  const fixed = await call(page, "listing_draft_save", {
    credential_id: credential!,
    draft: JSON.stringify({ ...copy, follow_sku: "300002" }),
  });
  expect(fixed).toEqual([]);
  await open(page, "/ozon/listing/pipeline");
  await page.getByTestId("count-review").click();
  await expect(page.locator("[data-testid=pipeline-row]")).toHaveCount(1);
  await row("E2E-FLOW-3").getByLabel("选择 E2E-FLOW-3").check();
  await page.getByTestId("retry-selected").click();
  await expect(page.getByTestId("bulk-result")).toContainText("成功 1 个");
  await page.getByRole("button", { name: "清除状态筛选" }).click();
  await expect(row("E2E-FLOW-3")).toHaveAttribute("data-state", /ReadyForSale|Live/, { timeout: 60_000 });
  await page.screenshot({ path: `${shots}/42-pipeline-retried.png`, fullPage: true });

  await row("E2E-FLOW-1").getByRole("link", { name: "E2E-FLOW-1" }).click();
  await expect(page.getByTestId("product-state")).toHaveText(/可售|已上线/);
  await expect(page.getByTestId("timeline")).toContainText("价格已生效");
  await page.screenshot({ path: `${shots}/43-pipeline-product.png`, fullPage: true });

  // Reconciliation on demand: what Ozon holds matches what was sent.
  await open(page, "/ozon/listing/inspection");
  await page.getByTestId("run-inspection").click();
  await expect(page.getByTestId("inspection-summary")).toContainText("手动", { timeout: 20_000 });
  await expect(page.getByText("Ozon 上的价格和库存与发送的一致")).toBeVisible();
  await page.screenshot({ path: `${shots}/44-inspection.png`, fullPage: true });
  expect(errors).toEqual([]);
});
