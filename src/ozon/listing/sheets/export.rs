//! Spreadsheets out: the template of a type (with its dictionaries and hints) and the export
//! of drafts, in the layout of `sheet.rs`.

use std::collections::HashSet;

use sqlx::AnyPool;

use crate::ozon::client::OzonCredentials;
use crate::ozon::listing::catalog::cache::{self, CacheError};
use crate::ozon::listing::drafts::service::Drafts;
use crate::ozon::listing::sheets::columns::{columns, row_of, Column};
use crate::ozon::listing::{AttributeSpec, Draft};

/// Most dictionary values listed per attribute on the template's 字典值 sheet.
const MAX_LISTED_VALUES: usize = 5000;

pub type Sheets = Vec<(&'static str, Vec<Vec<String>>)>;

/// What each fixed column takes, for the template's 说明 sheet.
pub const FIELD_HINTS: &[(&str, &str)] = &[
    (
        "offer_id",
        "货号，草稿按货号新建或更新；最多 50 个字符，不能包含 / 或 \\",
    ),
    (
        "description_category_id",
        "类目ID（模板已填好的类型请勿改动）",
    ),
    ("type_id", "类型ID（末级节点）"),
    (
        "mode",
        "新建商品卡 / 按SKU跟卖 / 按条码跟卖；留空为新建商品卡",
    ),
    ("dimension_unit", "mm、cm 或 in"),
    ("weight_unit", "g、kg 或 lb"),
    ("vat", "0、0.05、0.07、0.1、0.2 或 0.22"),
    ("currency_code", "RUB、CNY、USD 等，须与店铺币种一致"),
    (
        "images",
        "图片地址，每行一个（或用空格分隔），第一张为主图，最多 30 张",
    ),
    (
        "stocks",
        "仓库ID:数量，多个仓库用分号分隔，例如 1020000012345:10; 1020000067890:5",
    ),
    (
        "属性列",
        "多值属性用分号分隔；字典属性填写「字典值」表中的值，或 #值ID",
    ),
];

/// The template of a (category, type): the header, one row with the type filled in, the
/// type's dictionaries and a sheet of hints.
pub async fn template(
    service: &Drafts,
    credential_id: i64,
    creds: &OzonCredentials,
    (category_id, type_id): (i64, i64),
) -> Result<Sheets, CacheError> {
    let specs = cache::attributes(
        service.pool(),
        service.ozon(),
        credential_id,
        creds,
        category_id,
        type_id,
    )
    .await?;
    let cols = columns(&specs);
    let example = Draft {
        description_category_id: Some(category_id),
        type_id: Some(type_id),
        dimension_unit: "mm".into(),
        weight_unit: "g".into(),
        ..Draft::default()
    };
    let mut dictionary = vec![vec![
        "属性ID".into(),
        "属性".into(),
        "值ID".into(),
        "值".into(),
    ]];
    for spec in specs.iter().filter(|s| s.dictionary_id > 0) {
        let values = cache::values(
            service.pool(),
            service.ozon(),
            credential_id,
            creds,
            (spec.id, category_id, type_id),
            cache::MAX_VALUES_PAGE,
        )
        .await?;
        let listed = values.len().min(MAX_LISTED_VALUES);
        for (id, value) in values.into_iter().take(listed) {
            dictionary.push(vec![
                spec.id.to_string(),
                spec.name.clone(),
                id.to_string(),
                value,
            ]);
        }
    }
    let path: Option<String> = sqlx::query_scalar(
        "SELECT path FROM catalog_nodes WHERE credential_id = $1 AND category_id = $2 AND type_id = $3",
    )
    .bind(credential_id)
    .bind(category_id)
    .bind(type_id)
    .fetch_optional(service.pool())
    .await?;
    let mut hints = vec![
        vec!["列".into(), "说明".into()],
        vec![
            "类型".into(),
            format!(
                "{}（类目ID {category_id}，类型ID {type_id}）",
                path.unwrap_or_default()
            ),
        ],
        vec![
            "*".into(),
            "带 * 的列为必填；每行一个商品，按货号新建或更新草稿".into(),
        ],
    ];
    hints.extend(
        FIELD_HINTS
            .iter()
            .map(|(k, v)| vec![k.to_string(), v.to_string()]),
    );
    for spec in &specs {
        let mut kind = spec.kind.clone();
        if spec.is_collection {
            kind.push_str("，多值");
        }
        if spec.dictionary_id > 0 {
            kind.push_str("，字典");
        }
        hints.push(vec![format!("{} [{}]", spec.name, spec.id), kind]);
    }
    Ok(vec![
        ("商品", vec![header_of(&cols), row_of(&cols, &example)]),
        ("字典值", dictionary),
        ("说明", hints),
    ])
}

fn header_of(cols: &[Column]) -> Vec<String> {
    cols.iter().map(Column::header).collect()
}

/// Every draft (of one type, when given) with its credential, in offer_id order.
async fn stored_drafts(
    pool: &AnyPool,
    pair: Option<(i64, i64)>,
) -> sqlx::Result<Vec<(i64, Draft)>> {
    let rows: Vec<(Option<i64>, String)> =
        sqlx::query_as("SELECT credential_id, data FROM listing_drafts ORDER BY offer_id")
            .fetch_all(pool)
            .await?;
    let mut out = Vec::new();
    for (c, data) in rows {
        let draft: Draft = crate::common::json::column("listing_drafts data", &data)?;
        if pair.is_none_or(|p| draft.description_category_id.zip(draft.type_id) == Some(p)) {
            out.push((c.unwrap_or_default(), draft));
        }
    }
    Ok(out)
}

/// The drafts as the template's first sheet: fixed columns, then every attribute the types
/// of the drafts have (names from the cache), then any other attribute a draft carries.
pub async fn export(
    service: &Drafts,
    credential_id: i64,
    creds: &OzonCredentials,
    pair: Option<(i64, i64)>,
) -> Result<Sheets, CacheError> {
    let drafts = stored_drafts(service.pool(), pair).await?;
    let mut specs: Vec<AttributeSpec> = Vec::new();
    let mut seen = HashSet::new();
    let pairs: Vec<(i64, i64)> = {
        let mut p: Vec<(i64, i64)> = drafts
            .iter()
            .filter_map(|(_, d)| d.description_category_id.zip(d.type_id))
            .collect();
        p.extend(pair);
        p.sort_unstable();
        p.dedup();
        p
    };
    for (category_id, type_id) in pairs {
        if !cache::pair_known(service.pool(), credential_id, category_id, type_id).await? {
            continue;
        }
        for spec in cache::attributes(
            service.pool(),
            service.ozon(),
            credential_id,
            creds,
            category_id,
            type_id,
        )
        .await?
        {
            if seen.insert(spec.id) {
                specs.push(spec);
            }
        }
    }
    for (_, d) in &drafts {
        for a in &d.attributes {
            if seen.insert(a.id) {
                specs.push(AttributeSpec {
                    id: a.id,
                    name: "属性".into(),
                    ..AttributeSpec::default()
                });
            }
        }
    }
    let cols = columns(&specs);
    let mut rows = vec![header_of(&cols)];
    rows.extend(drafts.iter().map(|(_, d)| row_of(&cols, d)));
    Ok(vec![("商品", rows)])
}
