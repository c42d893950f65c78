//! Posting and editing achievements, needs and open calls (揭榜挂帅), sending them for review
//! and withdrawing them; applying to another organisation's open call.
//!
//! The forms carry every structured field of `AchievementIn` / `NeedIn`, named as the API names
//! them, so the API's field errors land beside the right input. Amounts are typed in 万元 for
//! CNY (the unit Chinese price lists use) or in the currency's major unit otherwise, and are
//! converted to minor units with integer arithmetic only. Edits are JSON merge patches carrying
//! the version that was read, so a listing changed meanwhile is reported, not overwritten.
//!
//! One file a step of the flow: [`form`] (what the form holds and the API body it makes),
//! [`page`] (the form page), [`create`], [`edit`] (load, show, save), [`lifecycle`] (send for
//! review, withdraw) and [`apply`] (an open call's application form).

mod apply;
mod create;
mod edit;
mod form;
mod lifecycle;
mod page;
#[cfg(test)]
mod tests;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::listing::{Completeness, ListingView, RevisionOut, RevisionView};
use super::{path_id, Labels, Term};
use crate::api::{with_query, ApiError, Problem};
use crate::i18n::Tr;
use crate::money::{money_plain, parse_major_to_minor, AmountError};
use crate::page::{done, render, typed, Ctx, FormErrors, PageError, PageResult};
use crate::session::Viewer;
use crate::Portal;
use uuid::Uuid;
use wire::listing::{AchievementOut, ApplicationOut, ListingState, NeedOut};
use wire::Page;
use wire::{ApplicationStatus, ListingKind, ListingStatus, NeedKind};

use apply::*;
use create::*;
use edit::*;
use form::*;
use lifecycle::*;
use page::*;

pub use page::status_class;

pub fn routes() -> Router<Portal> {
    Router::new()
        .route(
            "/achievements/new",
            get(new_achievement).post(create_achievement),
        )
        .route("/needs/new", get(new_need).post(create_need))
        .route(
            "/achievements/{id}/edit",
            get(edit_achievement).post(update_achievement),
        )
        .route("/needs/{id}/edit", get(edit_need).post(update_need))
        .route("/achievements/{id}/submit", post(submit_achievement))
        .route("/needs/{id}/submit", post(submit_need))
        .route("/achievements/{id}/withdraw", post(withdraw_achievement))
        .route("/needs/{id}/withdraw", post(withdraw_need))
        .route("/open-calls/{id}/apply", get(apply_form).post(apply))
}

/// What a form posts: an achievement, a need, or a need that is an open call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Achievement,
    Need,
    OpenCall,
}

impl Kind {
    /// The API collection (`/api/v1/{collection}`); open calls are needs.
    pub fn collection(self) -> &'static str {
        match self {
            Kind::Achievement => "achievements",
            Kind::Need | Kind::OpenCall => "needs",
        }
    }

    /// The public listing page (written by the listing pages' module).
    pub fn view_href(self, id: &str) -> String {
        match self {
            Kind::Achievement => format!("/achievements/{id}"),
            Kind::Need => format!("/needs/{id}"),
            Kind::OpenCall => format!("/open-calls/{id}"),
        }
    }

    /// The kind the API answers with (open calls are needs).
    pub fn listing_kind(self) -> ListingKind {
        match self {
            Kind::Achievement => ListingKind::Achievement,
            Kind::Need | Kind::OpenCall => ListingKind::Need,
        }
    }

    pub fn edit_href(self, id: &str) -> String {
        format!("/{}/{id}/edit", self.collection())
    }

    /// The `term.kind.*` code.
    pub fn term(self) -> &'static str {
        match self {
            Kind::Achievement => ListingKind::Achievement.as_str(),
            Kind::Need => NeedKind::Need.as_str(),
            Kind::OpenCall => NeedKind::OpenCall.as_str(),
        }
    }

    fn of_need(kind: Option<&str>) -> Kind {
        if kind == Some(NeedKind::OpenCall.as_str()) {
            Kind::OpenCall
        } else {
            Kind::Need
        }
    }

    pub fn is_achievement(self) -> bool {
        self == Kind::Achievement
    }

    pub fn is_open_call(self) -> bool {
        self == Kind::OpenCall
    }
}
