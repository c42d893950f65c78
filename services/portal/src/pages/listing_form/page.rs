//! The form page: its options, the listing being edited and what it may do next.

use super::*;

/// The listing the form edits, and what it is allowed to do next.
pub struct Editing {
    pub id: String,
    pub status: ListingStatus,
    pub version: i32,
    pub completeness: Option<Completeness>,
    /// Changes to the published listing waiting for review (the form shows them).
    pub revision: Option<RevisionOut>,
}

impl Editing {
    pub fn can_submit(&self) -> bool {
        matches!(self.status, ListingStatus::Draft | ListingStatus::Rejected)
    }

    pub fn can_withdraw(&self) -> bool {
        !matches!(
            self.status,
            ListingStatus::Withdrawn | ListingStatus::Closed
        )
    }

    pub fn editable(&self) -> bool {
        self.status.editable()
    }
}

/// A select option.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The fields the live completeness meter of a need form counts (app.js).
pub(super) const COMPLETENESS_FIELDS: &str = "description,keywords,ipc_codes,budget_min,budget_max,cooperation_modes,deadline,contact_email,contact_phone";

#[derive(Template)]
#[template(path = "form_listing.html")]
pub(super) struct FormPage {
    pub(super) ctx: Ctx,
    pub(super) labels: Labels,
    /// A choice list could not be read: its select is empty until the page is reloaded.
    pub(super) options_failed: bool,
    pub(super) kind: Kind,
    pub(super) form: ListingForm,
    pub(super) errors: FormErrors,
    pub(super) editing: Option<Editing>,
    /// The API said the listing changed meanwhile (or cannot change any more).
    pub(super) conflict: Option<String>,
}

impl FormPage {
    pub(super) fn heading(&self) -> String {
        let kind = self.ctx.t.term("kind", self.kind.term());
        if self.editing.is_some() {
            self.ctx.t.f("form.edit_heading", &[("kind", &kind)])
        } else {
            self.ctx.t.f("form.new_heading", &[("kind", &kind)])
        }
    }

    pub(super) fn action(&self) -> String {
        match &self.editing {
            Some(e) => self.kind.edit_href(&e.id),
            None => format!("/{}/new", self.kind.collection()),
        }
    }

    pub(super) fn view_href(&self) -> String {
        self.editing
            .as_ref()
            .map(|e| self.kind.view_href(&e.id))
            .unwrap_or_default()
    }

    pub(super) fn submit_action(&self) -> String {
        self.editing
            .as_ref()
            .map(|e| format!("/{}/{}/submit", self.kind.collection(), e.id))
            .unwrap_or_default()
    }

    pub(super) fn revision_withdraw_action(&self) -> String {
        self.editing
            .as_ref()
            .map(|e| format!("/{}/{}/revision/withdraw", self.kind.collection(), e.id))
            .unwrap_or_default()
    }

    pub(super) fn withdraw_action(&self) -> String {
        self.editing
            .as_ref()
            .map(|e| format!("/{}/{}/withdraw", self.kind.collection(), e.id))
            .unwrap_or_default()
    }

    /// A withdrawn, expired or closed listing cannot be edited, so its form is not shown.
    pub(super) fn show_form(&self) -> bool {
        self.editing.as_ref().is_none_or(Editing::editable)
    }

    pub(super) fn kind_value(&self) -> &'static str {
        self.kind.term()
    }

    pub(super) fn status_label(&self) -> String {
        self.editing
            .as_ref()
            .map(|e| self.ctx.t.term("status", e.status.as_str()))
            .unwrap_or_default()
    }

    pub(super) fn status_class(&self) -> &'static str {
        status_class(
            self.editing
                .as_ref()
                .map(|e| e.status.as_str())
                .unwrap_or(""),
        )
    }

    pub(super) fn min_name(&self) -> &'static str {
        amount_names(self.kind).0
    }

    pub(super) fn max_name(&self) -> &'static str {
        amount_names(self.kind).1
    }

    pub(super) fn amount_legend(&self) -> &'static str {
        if self.kind.is_achievement() {
            self.ctx.t.t("form.price")
        } else {
            self.ctx.t.t("form.budget")
        }
    }

    pub(super) fn completeness_fields(&self) -> &'static str {
        COMPLETENESS_FIELDS
    }

    pub(super) fn score(&self) -> i64 {
        self.editing
            .as_ref()
            .and_then(|e| e.completeness.as_ref())
            .map(|c| i64::from(c.score))
            .unwrap_or(0)
    }

    pub(super) fn has_score(&self) -> bool {
        self.editing
            .as_ref()
            .is_some_and(|e| e.completeness.is_some())
    }

    /// The fields whose absence lowers the saved score, in the reader's words.
    pub(super) fn missing(&self) -> Vec<&'static str> {
        let Some(c) = self.editing.as_ref().and_then(|e| e.completeness.as_ref()) else {
            return Vec::new();
        };
        c.missing
            .iter()
            .map(|m| match m.as_str() {
                "description" => self.ctx.t.t("form.missing_description"),
                "keywords" => self.ctx.t.t("form.missing_keywords"),
                "ipc_codes" => self.ctx.t.t("form.ipc_codes"),
                "budget" => self.ctx.t.t("form.budget"),
                "cooperation_modes" => self.ctx.t.t("form.cooperation_modes"),
                "deadline" => self.ctx.t.t("form.deadline"),
                "min_trl" => self.ctx.t.t("form.min_trl"),
                "contact" => self.ctx.t.t("form.missing_contact"),
                _ => self.ctx.t.t("form.missing_other"),
            })
            .collect()
    }

    pub(super) fn languages(&self) -> Vec<Opt> {
        terms(&self.labels, &self.labels.languages, &self.form.language)
    }

    pub(super) fn industries(&self) -> Vec<Opt> {
        terms(&self.labels, &self.labels.industries, &self.form.industry)
    }

    pub(super) fn ip_type_options(&self) -> Vec<Opt> {
        terms(&self.labels, &self.labels.ip_types, &self.form.ip_type)
    }

    pub(super) fn trl_options(&self, current: &str) -> Vec<Opt> {
        self.labels
            .trl
            .iter()
            .map(|t| Opt {
                value: t.code.clone(),
                label: format!("TRL {} · {}", t.code, self.labels.name(t)),
                selected: t.code == current,
            })
            .collect()
    }

    pub(super) fn patent_statuses(&self) -> Vec<Opt> {
        // The codes are the taxonomy's; the labels are the form's own wording.
        platform::taxonomy::PATENT_STATUSES
            .iter()
            .map(|term| Opt {
                value: term.code.to_owned(),
                label: self
                    .ctx
                    .t
                    .t(&format!("form.patent_{}", term.code))
                    .to_owned(),
                selected: self.form.patent_status == term.code,
            })
            .collect()
    }

    pub(super) fn currencies(&self) -> Vec<Opt> {
        platform::money::CURRENCIES
            .iter()
            .map(|c| Opt {
                value: c.code.to_owned(),
                label: if c.code == "CNY" {
                    self.ctx.t.t("form.currency_cny").to_owned()
                } else {
                    c.code.to_owned()
                },
                selected: self.form.currency == c.code,
            })
            .collect()
    }

    pub(super) fn coop_options(&self) -> Vec<Opt> {
        self.labels
            .cooperation_modes
            .iter()
            .map(|t| Opt {
                value: t.code.clone(),
                label: self.labels.name(t),
                selected: self.form.cooperation_modes.contains(&t.code),
            })
            .collect()
    }

    pub(super) fn regions(&self) -> Vec<Opt> {
        let mut out: Vec<Opt> = self
            .labels
            .cities
            .iter()
            .map(|t| Opt {
                value: t.code.clone(),
                label: self.labels.name(t),
                selected: t.code == self.form.region_code,
            })
            .collect();
        out.extend(
            self.labels
                .countries
                .iter()
                .filter(|c| c.code != "CN")
                .map(|t| Opt {
                    value: t.code.clone(),
                    label: self.labels.name(t),
                    selected: t.code == self.form.region_code,
                }),
        );
        // A region outside the lists (another province) still shows, so an edit keeps it.
        if !self.form.region_code.is_empty() && !out.iter().any(|o| o.selected) {
            out.push(Opt {
                value: self.form.region_code.clone(),
                label: self.labels.region(&self.form.region_code),
                selected: true,
            });
        }
        out
    }

    pub(super) fn countries(&self) -> Vec<Opt> {
        terms(&self.labels, &self.labels.countries, &self.form.country)
    }
}

pub(super) fn terms(labels: &Labels, list: &[Term], current: &str) -> Vec<Opt> {
    list.iter()
        .map(|t| Opt {
            value: t.code.clone(),
            label: labels.name(t),
            selected: t.code == current,
        })
        .collect()
}

/// The badge class of a listing status.
pub fn status_class(status: &str) -> &'static str {
    match ListingStatus::parse(status) {
        Some(ListingStatus::Published) => "ok",
        Some(ListingStatus::Submitted) => "warn",
        Some(ListingStatus::Rejected) => "bad",
        _ => "",
    }
}

/// Everything a form page needs besides the form: the taxonomies in the reader's language, and
/// whether one of them could not be read. Every taxonomy has entries, so an empty list is a
/// failed read (`Labels::load` keeps pages up without them, and logs nothing the reader sees).
pub(super) async fn load_options(portal: &Portal, viewer: &Viewer) -> (Labels, bool) {
    let labels = Labels::load(portal, viewer).await;
    let lists = [
        &labels.industries,
        &labels.languages,
        &labels.trl,
        &labels.cities,
        &labels.countries,
        &labels.ip_types,
        &labels.cooperation_modes,
    ];
    let failed = lists.iter().any(|list| list.is_empty());
    if failed {
        tracing::warn!("listing form: a taxonomy could not be read; its select is empty");
    }
    (labels, failed)
}

/// Renders the form page with `status` (422 for a refused form, 409 for a conflict).
pub(super) async fn form_page(
    portal: &Portal,
    viewer: &Viewer,
    kind: Kind,
    form: ListingForm,
    more: Shown,
    status: StatusCode,
) -> Response {
    let Shown {
        errors,
        editing,
        conflict,
    } = more;
    let (labels, options_failed) = load_options(portal, viewer).await;
    let ctx = Ctx::new(viewer, "my");
    let mut resp = render(&FormPage {
        ctx,
        labels,
        options_failed,
        kind,
        form,
        errors,
        editing,
        conflict,
    });
    *resp.status_mut() = status;
    resp
}

/// What a form page shows besides the form.
#[derive(Default)]
pub(super) struct Shown {
    pub(super) errors: FormErrors,
    pub(super) editing: Option<Editing>,
    pub(super) conflict: Option<String>,
}

/// Only members of an organisation post; anyone else is asked to sign in or told why not.
pub(super) fn require_member(viewer: &Viewer) -> Result<(), PageError> {
    let me = viewer.require_login()?;
    if me.organisation_id.is_none() {
        return Err(viewer.error_page(
            StatusCode::FORBIDDEN,
            Tr::new(viewer.lang).t("form.need_organisation").to_owned(),
        ));
    }
    Ok(())
}
