//! HTTP handlers: extract, call one domain function, map to a DTO.

pub mod auth;
pub mod orgs;
