//! What a listing form holds, exactly as typed, and the API body and local errors it makes;
//! amounts in each currency's form unit (the text itself is read by `crate::money`).

use super::*;

/// Decimals of one form unit of `currency`, in minor units: 万元 for CNY (10^4 yuan, so the
/// currency's 2 decimals + 4), the major unit for every other currency the platform knows;
/// `None` for a code it does not know.
pub fn form_scale(currency: &str) -> Option<u32> {
    let cur = platform::money::Currency::parse(currency)?;
    Some(if cur.code == "CNY" {
        cur.exponent + 4
    } else {
        cur.exponent
    })
}

/// Minor units as they are typed back into the form's box: the form unit's decimals without
/// trailing zeros (`12_500_000` fen is `12.5` 万元, `1,200` for twelve million yuan).
pub(super) fn typed_amount(minor: i64, scale: u32) -> String {
    let text = money_plain(minor, scale);
    if scale == 0 {
        return text;
    }
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// What a listing form holds: the text exactly as typed (so a refused form comes back as it
/// was sent), named as the API fields are.
#[derive(Debug, Clone, Default)]
pub struct ListingForm {
    pub version: String,
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub keywords: String,
    pub industry: String,
    pub ipc_codes: String,
    // Achievements.
    pub trl: String,
    pub ip_type: String,
    pub ip_numbers: String,
    pub patent_status: String,
    // Needs.
    pub min_trl: String,
    pub deadline: String,
    // Open calls.
    pub bounty: String,
    pub eligibility: String,
    // Price (achievements) or budget (needs), in the form unit of `currency`.
    pub amount_min: String,
    pub amount_max: String,
    pub currency: String,
    pub cooperation_modes: Vec<String>,
    pub region_code: String,
    pub country: String,
    pub cross_border: bool,
    pub valid_until: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    /// A new listing posted by a broker agency for this client organisation (its id); the API
    /// decides whether the agency may (the client's consent).
    pub for_client: String,
}

impl ListingForm {
    /// A new form: the reader's language, CNY, and valid for a year (the API needs a
    /// valid-until date before review; the reader may change it).
    pub(super) fn blank(lang: &str) -> Self {
        let valid_until = chrono::Utc::now()
            .date_naive()
            .checked_add_months(chrono::Months::new(12))
            .map(|d| d.to_string())
            .unwrap_or_default();
        ListingForm {
            language: lang.to_owned(),
            currency: "CNY".to_owned(),
            min_trl: "1".to_owned(),
            valid_until,
            ..Self::default()
        }
    }

    /// Reads a posted form; checkboxes repeat their name, so the body is read as pairs.
    pub(super) fn from_pairs(kind: Kind, pairs: Vec<(String, String)>) -> Self {
        let mut f = ListingForm::default();
        let (min_name, max_name) = amount_names(kind);
        for (k, v) in pairs {
            match k.as_str() {
                "version" => f.version = v,
                "for_client" => f.for_client = v,
                "language" => f.language = v,
                "title" => f.title = v,
                "summary" => f.summary = v,
                "description" => f.description = v,
                "keywords" => f.keywords = v,
                "industry" => f.industry = v,
                "ipc_codes" => f.ipc_codes = v,
                "trl" => f.trl = v,
                "ip_type" => f.ip_type = v,
                "ip_numbers" => f.ip_numbers = v,
                "patent_status" => f.patent_status = v,
                "min_trl" => f.min_trl = v,
                "deadline" => f.deadline = v,
                "bounty" => f.bounty = v,
                "eligibility" => f.eligibility = v,
                "currency" => f.currency = v,
                "cooperation_modes" if !v.is_empty() && !f.cooperation_modes.contains(&v) => {
                    f.cooperation_modes.push(v)
                }
                "region_code" => f.region_code = v,
                "country" => f.country = v,
                "cross_border" => f.cross_border = !v.is_empty(),
                "valid_until" => f.valid_until = v,
                "contact_name" => f.contact_name = v,
                "contact_email" => f.contact_email = v,
                "contact_phone" => f.contact_phone = v,
                name if name == min_name => f.amount_min = v,
                name if name == max_name => f.amount_max = v,
                _ => {}
            }
        }
        f
    }

    /// The form prefilled from a stored listing (its original text, not a translation).
    pub(super) fn from_listing(l: &ListingView) -> Self {
        let (title, summary, description, keywords) = match &l.original {
            Some(o) => (
                o.title.clone(),
                o.summary.clone(),
                o.description.clone(),
                o.keywords.clone(),
            ),
            None => (
                l.title.clone(),
                l.summary.clone(),
                l.description.clone(),
                l.keywords.clone(),
            ),
        };
        let range = l.price.as_ref().or(l.budget.as_ref());
        let currency = range
            .map(|r| r.currency.clone())
            .or_else(|| l.bounty.as_ref().map(|b| b.currency.clone()))
            .unwrap_or_else(|| "CNY".to_owned());
        let scale = form_scale(&currency).unwrap_or(2);
        let amount = |v: Option<i64>| v.map(|m| typed_amount(m, scale)).unwrap_or_default();
        ListingForm {
            version: l.version.to_string(),
            language: l.original_language.clone(),
            title,
            summary,
            description,
            keywords: keywords.join("，"),
            industry: l.industry.clone(),
            ipc_codes: l.ipc_codes.join(", "),
            trl: l.trl.map(|t| t.to_string()).unwrap_or_default(),
            ip_type: l.ip_type.clone().unwrap_or_default(),
            ip_numbers: l.ip_numbers.join(", "),
            patent_status: l.patent_status.clone().unwrap_or_default(),
            min_trl: l
                .min_trl
                .map(|t| t.to_string())
                .unwrap_or_else(|| "1".to_owned()),
            deadline: l.deadline.map(|d| d.to_string()).unwrap_or_default(),
            bounty: l
                .bounty
                .as_ref()
                .map(|b| typed_amount(b.minor_units, form_scale(&b.currency).unwrap_or(2)))
                .unwrap_or_default(),
            eligibility: l.eligibility.clone().unwrap_or_default(),
            amount_min: amount(range.and_then(|r| r.min_minor)),
            amount_max: amount(range.and_then(|r| r.max_minor)),
            currency,
            cooperation_modes: l.cooperation_modes.clone(),
            region_code: l.region_code.clone(),
            country: l.country.clone(),
            cross_border: l.cross_border,
            valid_until: l.valid_until.map(|d| d.to_string()).unwrap_or_default(),
            contact_name: l.contact_name.clone().unwrap_or_default(),
            contact_email: l.contact_email.clone().unwrap_or_default(),
            contact_phone: l.contact_phone.clone().unwrap_or_default(),
            for_client: String::new(),
        }
    }

    /// The API body (`AchievementIn` or `NeedIn`, with `kind` on create only) and the errors
    /// of fields the portal reads before the API can (amounts, dates, levels).
    ///
    /// A field the portal cannot read is sent as a value the API always refuses (TRL 0, a
    /// negative amount, a past date), so that the API still checks every other field and the
    /// reader sees all errors at once, while nothing is saved.
    pub(super) fn to_body(&self, kind: Kind, creating: bool, t: &Tr) -> (Value, FormErrors) {
        let mut errors = FormErrors::default();
        let mut body = Map::new();
        body.insert("language".into(), json!(self.language.trim()));
        body.insert("title".into(), json!(self.title.trim()));
        body.insert("summary".into(), json!(self.summary.trim()));
        body.insert("description".into(), json!(self.description.trim()));
        body.insert("keywords".into(), json!(split_list(&self.keywords)));
        body.insert("industry".into(), json!(self.industry.trim()));
        body.insert("ipc_codes".into(), json!(split_list(&self.ipc_codes)));
        body.insert("cooperation_modes".into(), json!(self.cooperation_modes));
        body.insert("country".into(), json!(typed(&self.country)));
        body.insert("region_code".into(), json!(typed(&self.region_code)));
        body.insert("cross_border".into(), json!(self.cross_border));
        body.insert(
            "valid_until".into(),
            date_field("valid_until", &self.valid_until, t, &mut errors),
        );
        body.insert("contact_name".into(), json!(typed(&self.contact_name)));
        body.insert("contact_email".into(), json!(typed(&self.contact_email)));
        body.insert("contact_phone".into(), json!(typed(&self.contact_phone)));
        let (min_name, max_name) = amount_names(kind);
        let currency = self.currency.trim();
        let scale = form_scale(currency);
        let has_amount = [&self.amount_min, &self.amount_max, &self.bounty]
            .iter()
            .any(|a| !a.trim().is_empty());
        if scale.is_none() && has_amount {
            // The API refuses the unknown code too, beside the same input.
            errors
                .fields
                .insert("currency".into(), t.t("form.currency_unknown").to_owned());
        }
        let scale = scale.unwrap_or(2);
        let min = amount_field(min_name, &self.amount_min, scale, t, &mut errors);
        let max = amount_field(max_name, &self.amount_max, scale, t, &mut errors);
        let range = if min.is_none() && max.is_none() {
            Value::Null
        } else {
            json!({ "min_minor": min, "max_minor": max, "currency": currency })
        };
        match kind {
            Kind::Achievement => {
                match self.trl.trim().parse::<i64>() {
                    Ok(level) => {
                        body.insert("trl".into(), json!(level));
                    }
                    Err(_) => {
                        errors
                            .fields
                            .insert("trl".into(), t.t("form.choose_trl").to_owned());
                        body.insert("trl".into(), json!(0));
                    }
                }
                body.insert("ip_type".into(), json!(self.ip_type.trim()));
                body.insert("ip_numbers".into(), json!(split_list(&self.ip_numbers)));
                body.insert("patent_status".into(), json!(typed(&self.patent_status)));
                body.insert("price".into(), range);
            }
            Kind::Need | Kind::OpenCall => {
                if creating {
                    body.insert(
                        "kind".into(),
                        json!(if kind == Kind::OpenCall {
                            NeedKind::OpenCall
                        } else {
                            NeedKind::Need
                        }),
                    );
                }
                let min_trl = if self.min_trl.trim().is_empty() {
                    Ok(1)
                } else {
                    self.min_trl.trim().parse::<i64>()
                };
                match min_trl {
                    Ok(level) => {
                        body.insert("min_trl".into(), json!(level));
                    }
                    Err(_) => {
                        errors
                            .fields
                            .insert("min_trl".into(), t.t("form.choose_trl").to_owned());
                        body.insert("min_trl".into(), json!(0));
                    }
                }
                body.insert("budget".into(), range);
                body.insert(
                    "deadline".into(),
                    date_field("deadline", &self.deadline, t, &mut errors),
                );
                if kind == Kind::OpenCall {
                    let bounty = amount_field("bounty", &self.bounty, scale, t, &mut errors)
                        .map(|m| if m < 0 { 0 } else { m });
                    body.insert(
                        "bounty".into(),
                        bounty
                            .map(|m| json!({ "minor_units": m, "currency": currency }))
                            .unwrap_or(Value::Null),
                    );
                    body.insert("eligibility".into(), json!(typed(&self.eligibility)));
                }
            }
        }
        (Value::Object(body), errors)
    }
}

/// The inputs of the price (achievements) or budget (needs) range.
pub(super) fn amount_names(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Achievement => ("price_min", "price_max"),
        Kind::Need | Kind::OpenCall => ("budget_min", "budget_max"),
    }
}

/// A list typed in one box: commas (either width), 、, semicolons or new lines separate items.
pub fn split_list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in text.split([',', '，', '、', ';', '；', '\n', '\r']) {
        let item = item.trim();
        if !item.is_empty() && !out.iter().any(|o| o == item) {
            out.push(item.to_owned());
        }
    }
    out
}

/// Sent for a date the portal cannot read: the API refuses past dates.
pub(super) const REFUSED_DATE: &str = "2000-01-01";
/// Sent for an amount the portal cannot read: the API refuses negative amounts (and a
/// non-positive bounty).
pub(super) const REFUSED_AMOUNT: i64 = -1;

pub(super) fn date_field(name: &str, text: &str, t: &Tr, errors: &mut FormErrors) -> Value {
    let text = text.trim();
    if text.is_empty() {
        return Value::Null;
    }
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(d) => json!(d.to_string()),
        Err(_) => {
            errors
                .fields
                .insert(name.to_owned(), t.t("form.date_invalid").to_owned());
            json!(REFUSED_DATE)
        }
    }
}

pub(super) fn amount_field(
    name: &str,
    text: &str,
    scale: u32,
    t: &Tr,
    errors: &mut FormErrors,
) -> Option<i64> {
    if text.trim().is_empty() {
        return None;
    }
    match parse_major_to_minor(text, scale) {
        Ok(v) => Some(v),
        Err(e) => {
            // The form's words name the unit typed in (万元 has 6 decimals, not CNY's 2).
            let message = match e {
                AmountError::Invalid => t.t("form.amount_invalid").to_owned(),
                AmountError::TooManyDecimals if scale > 0 => {
                    t.f("form.amount_too_precise", &[("places", &scale.to_string())])
                }
                other => other.message(t, scale),
            };
            errors.fields.insert(name.to_owned(), message);
            Some(REFUSED_AMOUNT)
        }
    }
}

/// The API's errors with the portal's own for the fields it could not read (its words are
/// about what was typed, the API's about the stand-in value).
pub(super) fn merge_errors(mut api: FormErrors, local: FormErrors, t: &Tr) -> FormErrors {
    if !local.fields.is_empty() {
        api.fields.extend(local.fields);
        api.summary = Some(t.t("common.form_has_errors").to_owned());
    }
    api
}

/// The API's field paths renamed to this form's inputs (`price.min_minor` → `price_min`).
pub(super) fn form_errors(problem: &Problem) -> FormErrors {
    let mut errors = FormErrors::from_problem(problem);
    let renames = [
        ("price", "price_min"),
        ("price.min_minor", "price_min"),
        ("price.max_minor", "price_max"),
        ("price.currency", "currency"),
        ("budget", "budget_min"),
        ("budget.min_minor", "budget_min"),
        ("budget.max_minor", "budget_max"),
        ("budget.currency", "currency"),
        ("bounty.minor_units", "bounty"),
        ("bounty.currency", "currency"),
        ("(body)", "title"),
    ];
    for (from, to) in renames {
        if let Some(message) = errors.fields.remove(from) {
            errors.fields.entry(to.to_owned()).or_insert(message);
        }
    }
    errors
}
