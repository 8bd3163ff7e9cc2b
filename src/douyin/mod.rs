//! Douyin (open.douyin.com OAuth and content API) and 抖店 (signed gateway): pure clients —
//! wire parsing, signing, calls. No SQL and no state: `platforms/` stores what they return.

pub mod client;
pub mod content;
pub mod sign;
pub mod wire;
