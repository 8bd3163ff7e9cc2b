//! Integration tests: the real app on 127.0.0.1:0 with a real SQLite file, driven over HTTP.

mod helpers;

mod auth;
mod cli;
mod demo;
mod fixtures;
mod images_page;
mod images_rest;
mod images_s3;
mod listing_alerts;
mod listing_cache;
mod listing_crash;
mod listing_drafts;
mod listing_flow;
mod listing_pictures;
mod listing_pipeline;
mod listing_queue;
mod listing_sheets;
mod listing_tools;
mod ozon_contract;
mod ozon_sim;
mod ozon_swagger;
mod platforms_crash;
mod platforms_fixture;
mod platforms_oauth;
mod platforms_sync;
mod platforms_tokens;
mod promotions;
mod promotions_fixture;
mod security;
mod stats;
mod users;
mod vault;
mod vault_apps;
mod vault_keys;
