//! `POST /api/v1/ozon/download`: the stateless REST door of the pipeline. It stores nothing
//! about the credential it is given; failures use the contract's envelope with a code.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::pipeline::{DownloadRequest, NoProgress, PipelineError};
use super::{LookupField, ProcessOptions};
use crate::common::rest::rest_error;
use crate::common::secret::Secret;
use crate::ozon::client::OzonCredentials;
use crate::server::state::AppState;
use crate::vault::rest_key::ApiKeyAuth;

pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub async fn download(State(state): State<AppState>, auth: ApiKeyAuth, body: Body) -> Response {
    let request = match parse(body).await {
        Ok(request) => request,
        Err(err) => return failure(&err),
    };
    let articles = request.articles.len();
    tracing::info!(key = %auth.name, articles, "REST download started");
    match state.pipeline.run(request, Arc::new(NoProgress)).await {
        Ok(report) => {
            tracing::info!(
                key = %auth.name,
                success = report.success_images,
                failed = report.failed_images,
                "REST download finished"
            );
            Json(json!({"success": true, "data": report.contract_view()})).into_response()
        }
        Err(err) => failure(&err),
    }
}

fn failure(err: &PipelineError) -> Response {
    let status = match err.code {
        "INVALID_CREDENTIALS" => StatusCode::UNPROCESSABLE_ENTITY,
        "OZON_API_ERROR" => StatusCode::BAD_GATEWAY,
        "TIMEOUT" => StatusCode::GATEWAY_TIMEOUT,
        _ => StatusCode::BAD_REQUEST,
    };
    rest_error(status, err.code, &err.message)
}

fn bad(code: &'static str, message: impl Into<String>) -> PipelineError {
    PipelineError {
        code,
        message: message.into(),
    }
}

/// Reads the body (1 MB at most) and checks every field by hand, so no message can echo a
/// credential the way a generic deserialisation error would.
async fn parse(body: Body) -> Result<DownloadRequest, PipelineError> {
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| bad("BODY_TOO_LARGE", "请求体超过 1 MB"))?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        bad(
            "INVALID_JSON",
            format!(
                "请求体不是有效的 JSON（第 {} 行第 {} 列）",
                e.line(),
                e.column()
            ),
        )
    })?;
    let Value::Object(mut body) = value else {
        return Err(bad("INVALID_JSON", "请求体应为 JSON 对象"));
    };
    let credential = match body.remove("credential") {
        Some(Value::Object(c)) => c,
        Some(_) => return Err(bad("INVALID_CREDENTIAL", "credential 应为对象")),
        None => return Err(bad("MISSING_FIELD", "缺少 credential")),
    };
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let client_id = text(credential.get("client_id")).ok_or_else(|| {
        bad(
            "INVALID_CREDENTIAL",
            "credential.client_id 缺失或不是字符串",
        )
    })?;
    let api_key = match credential.get("api_key") {
        Some(Value::String(s)) => Secret::new(s.clone()),
        _ => {
            return Err(bad(
                "INVALID_CREDENTIAL",
                "credential.api_key 缺失或不是字符串",
            ))
        }
    };
    let articles = match body.remove("articles") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                text(Some(v))
                    .ok_or_else(|| bad("INVALID_ARTICLE", format!("第 {} 个货号应为字符串", i + 1)))
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(bad("INVALID_ARTICLES", "articles 应为字符串数组")),
        None => return Err(bad("MISSING_FIELD", "缺少 articles")),
    };
    let field = match body.remove("field") {
        None | Some(Value::Null) => LookupField::OfferId,
        Some(Value::String(s)) => LookupField::parse(&s).ok_or_else(|| {
            bad(
                "INVALID_FIELD",
                format!(
                    "field 应为 offer_id、sku 或 vendor_code，收到 \"{}\"",
                    crate::common::text::shown(&s)
                ),
            )
        })?,
        Some(_) => return Err(bad("INVALID_FIELD", "field 应为字符串")),
    };
    let user_id = text(body.get("user_id")).ok_or_else(|| {
        if body.contains_key("user_id") {
            bad("INVALID_USER_ID", "user_id 应为字符串")
        } else {
            bad("MISSING_FIELD", "缺少 user_id")
        }
    })?;
    let options = match body.remove("options") {
        None | Some(Value::Null) => ProcessOptions::default(),
        Some(v) => serde_json::from_value(v)
            .map_err(|e| bad("INVALID_OPTIONS", format!("options 无效：{e}")))?,
    };
    // Checked in the pipeline's order: articles, then user_id, then credential and options.
    let articles = super::validate::articles(&articles)?;
    let user_id = super::validate::user_id(&user_id)?;
    Ok(DownloadRequest {
        credentials: OzonCredentials {
            client_id: client_id.trim().to_string(),
            api_key,
        },
        articles,
        field,
        user_id,
        options,
        done: HashMap::new(),
    })
}

/// The OpenAPI 3.0 description of `/api/v1`, served at `/api/v1/openapi.json`.
pub fn openapi() -> Value {
    let envelope_error = json!({
        "type": "object",
        "required": ["success", "data", "error"],
        "properties": {
            "success": {"type": "boolean", "enum": [false]},
            "data": {"nullable": true},
            "error": {"type": "string", "description": "CODE: 说明，例如 INVALID_CREDENTIALS: Api-Key 无效"}
        }
    });
    let error_ref = json!({"$ref": "#/components/schemas/Error"});
    let error_response = |text: &str| json!({"description": text, "content": {"application/json": {"schema": error_ref.clone()}}});
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "ShopBridge REST API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "无状态接口。每个请求带 X-API-Key（管理员在“API 密钥”页创建）。Ozon 凭证随请求传入，服务端不保存。"
        },
        "components": {
            "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
            "schemas": {
                "Error": envelope_error,
                "DownloadRequest": {
                    "type": "object",
                    "required": ["credential", "articles", "user_id"],
                    "properties": {
                        "credential": {
                            "type": "object",
                            "required": ["client_id", "api_key"],
                            "properties": {
                                "client_id": {"type": "string"},
                                "api_key": {"type": "string", "format": "password"}
                            }
                        },
                        "articles": {
                            "type": "array", "minItems": 1, "maxItems": 100,
                            "items": {"type": "string", "minLength": 1, "maxLength": 50},
                            "description": "货号；不能包含 /、\\、.. 或控制字符；重复的合并"
                        },
                        "field": {"type": "string", "enum": ["offer_id", "sku", "vendor_code"], "default": "offer_id"},
                        "user_id": {"type": "string", "minLength": 1, "maxLength": 50, "description": "对象路径 users/{user_id}/ozon/{article}/{article}_{n}.{ext} 的一段"},
                        "options": {
                            "type": "object",
                            "description": "可选的图片处理（ShopBridge 扩展）",
                            "properties": {
                                "format": {"type": "string", "enum": ["jpeg", "png", "webp"]},
                                "max_side": {"type": "integer", "minimum": 16, "maximum": 10000},
                                "quality": {"type": "integer", "minimum": 1, "maximum": 100},
                                "pad_3x4": {"type": "boolean"},
                                "remove_background": {"type": "boolean", "description": "从边缘按颜色容差填充，去除白色或纯色背景（非 AI）"},
                                "tolerance": {"type": "integer", "minimum": 0, "maximum": 255}
                            }
                        }
                    }
                },
                "DownloadItem": {
                    "type": "object",
                    "required": ["article", "status", "total_images", "success_images", "failed_images", "urls"],
                    "properties": {
                        "article": {"type": "string"},
                        "product_id": {"type": "integer", "format": "int64"},
                        "status": {"type": "string", "enum": ["success", "failed"]},
                        "total_images": {"type": "integer"},
                        "success_images": {"type": "integer"},
                        "failed_images": {"type": "integer"},
                        "urls": {"type": "array", "items": {"type": "string", "format": "uri"}},
                        "error": {"type": "string", "description": "PRODUCT_NOT_FOUND、NO_IMAGES、DOWNLOAD_FAILED、PROCESS_FAILED、R2_UPLOAD_FAILED 或 TIMEOUT，加说明"}
                    }
                },
                "DownloadReport": {
                    "type": "object",
                    "required": ["total_articles", "processed", "total_images", "success_images", "failed_images", "items"],
                    "properties": {
                        "total_articles": {"type": "integer"},
                        "processed": {"type": "integer"},
                        "total_images": {"type": "integer"},
                        "success_images": {"type": "integer"},
                        "failed_images": {"type": "integer"},
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/DownloadItem"}}
                    }
                }
            }
        },
        "paths": {
            "/api/v1/ozon/download": {
                "post": {
                    "summary": "下载 Ozon 商品图片到对象存储",
                    "description": "按货号查找商品，并发下载全部图片，上传到对象存储，返回公开地址。单张图片失败不影响其他图片。",
                    "security": [{"ApiKey": []}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DownloadRequest"}}}},
                    "responses": {
                        "200": {"description": "完成（逐项结果见 items）", "content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {
                                "success": {"type": "boolean", "enum": [true]},
                                "data": {"$ref": "#/components/schemas/DownloadReport"}
                            }
                        }}}},
                        "400": error_response("请求无效：INVALID_JSON、BODY_TOO_LARGE、MISSING_FIELD、INVALID_CREDENTIAL、INVALID_ARTICLES、INVALID_ARTICLE、INVALID_FIELD、INVALID_USER_ID、INVALID_OPTIONS"),
                        "401": error_response("X-API-Key 缺失或无效：UNAUTHORIZED"),
                        "422": error_response("Ozon 凭证无效：INVALID_CREDENTIALS"),
                        "429": error_response("超过每分钟请求数：RATE_LIMITED"),
                        "502": error_response("Ozon 接口异常：OZON_API_ERROR"),
                        "504": error_response("查找商品超时：TIMEOUT")
                    }
                }
            },
            "/api/v1/ozon/health": {
                "get": {
                    "summary": "健康检查",
                    "responses": {"200": {"description": "正常", "content": {"application/json": {"schema": {
                        "type": "object",
                        "properties": {
                            "status": {"type": "string", "enum": ["healthy"]},
                            "plugin": {"type": "string", "enum": ["ozon-download"]},
                            "version": {"type": "string"}
                        }
                    }}}}}
                }
            },
            "/api/v1/whoami": {
                "get": {
                    "summary": "查看当前 X-API-Key 的名称",
                    "security": [{"ApiKey": []}],
                    "responses": {"200": {"description": "密钥名称"}, "401": error_response("X-API-Key 缺失或无效")}
                }
            }
        }
    })
}
