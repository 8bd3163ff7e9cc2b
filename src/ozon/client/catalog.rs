//! Wire types for the description-category tree, attributes and dictionary values.

use serde::{Deserialize, Serialize};

use super::de::{boolean, int64, list, string};

#[derive(Clone, Debug, Serialize)]
pub struct TreeRequest {
    /// `DEFAULT` (Russian), `ZH_HANS`, `EN`, …
    pub language: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TreeResponse {
    #[serde(deserialize_with = "list")]
    pub result: Vec<TreeNode>,
}

/// A category node, or (with `type_id`) a leaf type whose category is its parent.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TreeNode {
    #[serde(deserialize_with = "int64")]
    pub description_category_id: Option<i64>,
    #[serde(deserialize_with = "string")]
    pub category_name: String,
    #[serde(deserialize_with = "int64")]
    pub type_id: Option<i64>,
    #[serde(deserialize_with = "string")]
    pub type_name: String,
    #[serde(deserialize_with = "boolean")]
    pub disabled: bool,
    #[serde(deserialize_with = "list")]
    pub children: Vec<TreeNode>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AttributesRequest {
    pub description_category_id: i64,
    pub type_id: i64,
    pub language: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AttributesResponse {
    #[serde(deserialize_with = "list")]
    pub result: Vec<Attribute>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Attribute {
    #[serde(deserialize_with = "int64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "int64")]
    pub attribute_complex_id: Option<i64>,
    #[serde(deserialize_with = "string")]
    pub name: String,
    #[serde(deserialize_with = "string")]
    pub description: String,
    #[serde(rename = "type", deserialize_with = "string")]
    pub kind: String,
    #[serde(deserialize_with = "boolean")]
    pub is_collection: bool,
    #[serde(deserialize_with = "boolean")]
    pub is_required: bool,
    #[serde(deserialize_with = "boolean")]
    pub is_aspect: bool,
    #[serde(deserialize_with = "int64")]
    pub max_value_count: Option<i64>,
    #[serde(deserialize_with = "string")]
    pub group_name: String,
    #[serde(deserialize_with = "int64")]
    pub dictionary_id: Option<i64>,
    #[serde(deserialize_with = "boolean")]
    pub category_dependent: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ValuesRequest {
    pub attribute_id: i64,
    pub description_category_id: i64,
    pub type_id: i64,
    pub language: String,
    pub last_value_id: i64,
    pub limit: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ValuesSearchRequest {
    pub attribute_id: i64,
    pub description_category_id: i64,
    pub type_id: i64,
    pub value: String,
    pub limit: i64,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ValuesResponse {
    #[serde(deserialize_with = "list")]
    pub result: Vec<DictionaryValue>,
    #[serde(deserialize_with = "boolean")]
    pub has_next: bool,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DictionaryValue {
    #[serde(deserialize_with = "int64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "string")]
    pub value: String,
    #[serde(deserialize_with = "string")]
    pub info: String,
    #[serde(deserialize_with = "string")]
    pub picture: String,
}
