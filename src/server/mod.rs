//! Server-only infrastructure: configuration, database, telemetry, HTTP stack, CLI.

pub mod cli;
pub mod config;
pub mod db;
#[cfg(feature = "sim")]
pub mod demo;
pub mod http;
pub mod lock;
pub mod observe;
pub mod rest;
pub mod startup;
pub mod state;
pub mod telemetry;
