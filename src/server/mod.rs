//! Server-only infrastructure: configuration, database, telemetry, HTTP stack, CLI.

pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
mod demo_promotions;
pub mod http;
pub mod lock;
pub mod rest;
pub mod startup;
pub mod state;
pub mod telemetry;
