//! The listing forms' unit tests.

use super::*;

#[test]
fn amounts_typed_in_wan_yuan_become_exact_fen() {
    // 万元 → fen: 10^6 fen in one 万元.
    let wan = form_scale("CNY").expect("CNY");
    assert_eq!(wan, 6);
    assert_eq!(parse_major_to_minor("12.5", wan), Ok(12_500_000));
    assert_eq!(parse_major_to_minor("80.35", wan), Ok(80_350_000));
    assert_eq!(parse_major_to_minor("1,200", wan), Ok(1_200_000_000));
    assert_eq!(parse_major_to_minor("0.000001", wan), Ok(1));
    assert_eq!(
        parse_major_to_minor("12.5000001", wan),
        Err(AmountError::TooManyDecimals)
    );
    // "1,5" is a decimal comma, not fifteen 万元.
    assert_eq!(parse_major_to_minor("1,5", wan), Err(AmountError::Invalid));
    assert_eq!(form_scale("USD"), Some(2));
    assert_eq!(form_scale("VND"), Some(0));
    assert_eq!(form_scale("XXX"), None);
}

#[test]
fn amounts_go_back_into_the_form_as_they_were_typed() {
    assert_eq!(typed_amount(12_500_000, 6), "12.5");
    assert_eq!(typed_amount(80_350_000, 6), "80.35");
    assert_eq!(typed_amount(50_000_000, 6), "50");
    assert_eq!(typed_amount(1, 6), "0.000001");
    assert_eq!(typed_amount(8_010, 2), "80.1");
    assert_eq!(
        typed_amount(1_000, 0),
        "1,000",
        "no decimals to trim in đồng"
    );
    for v in [0i64, 1, 99, 100, 123_456_789, 1_200_000_000] {
        assert_eq!(parse_major_to_minor(&typed_amount(v, 6), 6), Ok(v));
    }
}

fn ctx() -> Ctx {
    let lang = crate::i18n::Lang::En;
    Ctx {
        t: Tr::new(lang),
        lang,
        me: None,
        path: "/x".to_owned(),
        flash: None,
        section: "my",
    }
}

#[test]
fn choice_lists_that_could_not_be_read_are_announced() {
    let t = Tr::new(crate::i18n::Lang::En);
    let form = |options_failed| FormPage {
        ctx: ctx(),
        labels: Labels::default(),
        options_failed,
        kind: Kind::Achievement,
        form: ListingForm::blank("en"),
        errors: FormErrors::default(),
        editing: None,
        conflict: None,
    };
    assert!(form(true)
        .render()
        .expect("renders")
        .contains(t.t("form.options_failed")));
    assert!(!form(false)
        .render()
        .expect("renders")
        .contains(t.t("form.options_failed")));

    let call: NeedOut = serde_json::from_value(json!({
        "id": "0192c6a0-0000-7000-8000-000000000001",
        "organisation_id": "0192c6a0-0000-7000-8000-000000000002", "status": "published",
        "version": 1, "original_language": "zh", "language": "en", "provenance": "original",
        "available_languages": ["zh", "en"], "title": "Open call", "summary": "s",
        "description": "", "keywords": [], "original": null, "industry": "modern_agriculture",
        "ipc_codes": [], "min_trl": 1, "budget": null, "budget_negotiable": true,
        "cooperation_modes": [], "deadline": null, "country": "CN", "region_code": "450200",
        "cross_border": false, "valid_until": null, "bounty": null, "eligibility": null,
        "awarded_application_id": null, "contact_name": null, "contact_email": null,
        "contact_phone": null, "submitted_at": null, "published_at": null,
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "completeness": {"score": 100, "missing": []}, "pending_revision": null,
        "kind": "open_call"
    }))
    .expect("an open call");
    let apply = ApplyPage {
        ctx: ctx(),
        call,
        achievements: Vec::new(),
        achievements_failed: true,
        existing: None,
        form: ApplyForm::default(),
        errors: FormErrors::default(),
        blocked: None,
    };
    // (The catalog's apostrophe is escaped in the page.)
    assert!(apply
        .render()
        .expect("renders")
        .contains("achievements could not be loaded"));
}

#[test]
fn lists_split_on_every_separator_people_type() {
    assert_eq!(
        split_list("甘蔗、收割机，智能控制, 甘蔗;AI"),
        vec!["甘蔗", "收割机", "智能控制", "AI"]
    );
    assert!(split_list(" , 、").is_empty());
}

#[test]
fn api_paths_land_on_the_form_inputs() {
    let p = Problem {
        status: 422,
        fields: vec![
            crate::api::FieldError {
                path: "price.min_minor".into(),
                message: "must not be greater".into(),
            },
            crate::api::FieldError {
                path: "keywords[2]".into(),
                message: "too long".into(),
            },
            crate::api::FieldError {
                path: "bounty".into(),
                message: "needed".into(),
            },
        ],
        ..Problem::default()
    };
    let e = form_errors(&p);
    assert!(e.has("price_min") && e.has("keywords") && e.has("bounty"));
}
