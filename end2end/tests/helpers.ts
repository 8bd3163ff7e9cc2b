import { expect, Page } from "@playwright/test";

export const ADMIN = process.env.E2E_ADMIN ?? "admin";
export const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "";
export const shots = "test-results";

/** Console errors and page errors (a CSP violation shows up here too). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    // Refusals the tests provoke on purpose (422 invalid input, 403 admin page) are expected.
    const expected = /status of (403|422)\b/.test(m.text());
    if (m.type() === "error" && !expected) errors.push(m.text());
  });
  return errors;
}

/** Loads a page and waits until the wasm bundle has hydrated it (clicks before that are lost). */
export async function open(page: Page, path: string) {
  const res = await page.goto(path);
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 20_000 });
  return res;
}

export async function login(page: Page, name: string, password: string) {
  await open(page, "/login");
  await page.getByLabel("用户名").fill(name);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
}

/** Adds the simulator's demo Ozon credential under `name` on the API 密钥 page. */
export async function addCredential(page: Page, name: string) {
  await open(page, "/ozon/credentials");
  const form = page.getByTestId("add-credential-form");
  await form.getByLabel("名称").fill(name);
  await form.getByLabel("Client-Id").fill("100001");
  await form.getByLabel("Api-Key").fill("ozon-demo-valid-key-0001");
  await form.getByRole("button", { name: "添加凭证" }).click();
  await expect(page.locator(`[data-testid=credential-row][data-name='${name}']`)).toHaveCount(1);
}

/** A minimal MP4 (ftyp + moov/mvhd of `seconds` + mdat padding), as a phone would not make it. */
export function mp4(seconds: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  out.writeUInt32BE(20, 0);
  out.write("ftypisom", 4, "latin1");
  out.writeUInt32BE(0x200, 12);
  out.write("mp41", 16, "latin1");
  out.writeUInt32BE(116, 20);
  out.write("moov", 24, "latin1");
  out.writeUInt32BE(108, 28);
  out.write("mvhd", 32, "latin1");
  out.writeUInt32BE(1000, 36 + 12);
  out.writeUInt32BE(seconds * 1000, 36 + 16);
  out.writeUInt32BE(size - 136, 136);
  out.write("mdat", 140, "latin1");
  return out;
}
