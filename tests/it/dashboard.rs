//! The dashboard tells a story from the first start (issue #14): the sample registration
//! history `techmarket up` loads on an empty database gives every year 2021–2026 its turnover,
//! equal to the fen to the sample contracts of that year as the database holds them (summed
//! here from the rows, not from the rollups); the same history on every load; any year shows
//! its figures and the trend, with or without a target; output and absorption count the right
//! side; the figures drill down to their contracts and export. Hostile: targets are edited by
//! operators only, a malformed year is a 400, the drill-down is for operators.

use std::collections::BTreeMap;

use chrono::Datelike;
use deal::domain::stats::Basis;
use integration_tests::{Backend, TestApp};
use platform::entity::{contracts, registrations};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

const YEARS: std::ops::RangeInclusive<i32> = 2021..=2026;

/// Fen as the dashboard's exact figure reads: `1,234,567.89`.
fn yuan(fen: i64) -> String {
    format!(
        "{}.{:02}",
        portal::format::group_thousands(fen / 100),
        (fen % 100).abs()
    )
}

/// The text of the element carrying `data-testid="{id}"` (no nested markup).
#[track_caller]
fn testid_text(html: &str, id: &str) -> String {
    let marker = format!("data-testid=\"{id}\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {id} in page"))
        + marker.len();
    let end = html[start..].find('<').expect("element closes") + start;
    html[start..end].trim().to_owned()
}

/// Loads the sample data the way `techmarket up` does on an empty database.
async fn load_sample(app: &TestApp) {
    assert!(
        techmarket::sample::load_if_empty(&app.db)
            .await
            .expect("sample data loads"),
        "the test database starts empty"
    );
}

/// Registered turnover per year and side, summed from the contract rows themselves: the
/// seller in Guangxi for output, the buyer for absorption. Also checks every registered
/// contract is labelled sample.
async fn sums_from_rows(app: &TestApp) -> BTreeMap<(&'static str, i32), (i64, i64)> {
    // Registered = given a registration day (the sample has no refused or cancelled ones).
    let rows = registrations::Entity::find()
        .filter(registrations::Column::RegisteredOn.is_not_null())
        .find_also_related(contracts::Entity)
        .all(&app.db)
        .await
        .expect("registrations");
    let mut sums: BTreeMap<(&'static str, i32), (i64, i64)> = BTreeMap::new();
    for (r, c) in rows {
        let c = c.expect("a registration has its contract");
        assert!(
            c.title.contains("示例") || c.title.contains("sample"),
            "a sample contract says so: {}",
            c.title
        );
        let year = r.registered_on.expect("registered on a day").year();
        let gx = |country: &str, region: &str| country == "CN" && region.starts_with("45");
        for (basis, counted) in [
            (Basis::Output, gx(&c.seller_country, &c.seller_region_code)),
            (
                Basis::Absorption,
                gx(&c.buyer_country, &c.buyer_region_code),
            ),
        ] {
            if counted {
                let e = sums.entry((basis.as_str(), year)).or_default();
                e.0 += 1;
                e.1 =
                    e.1.checked_add(c.contract_amount_cny_minor)
                        .expect("no overflow");
            }
        }
    }
    sums
}

/// `(count, fen)` per year from the API's `group_by=year` answer.
fn per_year(out: &Value) -> BTreeMap<i32, (i64, i64)> {
    out["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let year: i32 = r["keys"]["year"]
                .as_str()
                .expect("year key")
                .parse()
                .expect("a year");
            (
                year,
                (
                    r["contract_count"].as_i64().expect("count"),
                    r["amount_cny_minor"].as_i64().expect("amount"),
                ),
            )
        })
        .collect()
}

mod sample_history_gives_every_year_its_turnover_to_the_fen {
    use super::*;

    async fn run(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        load_sample(&app).await;
        let sums = sums_from_rows(&app).await;
        for basis in [Basis::Output, Basis::Absorption] {
            let api = per_year(
                &app.turnover(&format!("group_by=year&basis={}", basis.as_str()))
                    .await,
            );
            for year in YEARS {
                let (count, fen) = sums
                    .get(&(basis.as_str(), year))
                    .copied()
                    .unwrap_or_default();
                assert!(
                    count >= 100 && fen > 0,
                    "{basis:?} {year}: a trend, not a handful ({count} contracts)"
                );
                assert_eq!(
                    api.get(&year).copied(),
                    Some((count, fen)),
                    "{basis:?} {year}: the API's figure is the sum of that year's contracts"
                );
            }
        }
        // The two sides differ (ASEAN partners buy and sell): the switch means something.
        assert_ne!(
            sums.get(&(Basis::Output.as_str(), 2025)),
            sums.get(&(Basis::Absorption.as_str(), 2025))
        );

        // The public dashboard for 2025 is no longer zero, and each side shows its own sum.
        let (_, out_2025) = sums[&(Basis::Output.as_str(), 2025)];
        let (_, abs_2025) = sums[&(Basis::Absorption.as_str(), 2025)];
        let page = app.page("/dashboard?year=2025", None).await;
        assert_eq!(page.status.as_u16(), 200);
        assert_eq!(testid_text(&page.text, "turnover-actual"), yuan(out_2025));
        let page = app
            .page("/dashboard?year=2025&basis=absorption", None)
            .await;
        assert_eq!(page.status.as_u16(), 200);
        assert_eq!(testid_text(&page.text, "turnover-actual"), yuan(abs_2025));
        // The side survives in the links (year picker, other years).
        assert!(page.text.contains(r#"name="basis" value="absorption""#));
        assert!(page.text.contains("/dashboard?year=2025&amp;basis=output"));

        // Loading again adds nothing; a second empty database gets the very same history.
        let txn = sea_orm::TransactionTrait::begin(&app.db)
            .await
            .expect("begin");
        let again = deal::sample::history::load(&txn, chrono::Utc::now().date_naive())
            .await
            .expect("load again");
        txn.commit().await.expect("commit");
        assert_eq!(again.contracts, 0, "loaded once only");
        let other = TestApp::spawn(backend).await;
        load_sample(&other).await;
        assert_eq!(sums_from_rows(&other).await, sums, "same data every start");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(Backend::Postgres).await;
    }
}

integration_tests::db_test! {
    async fn a_year_without_a_target_shows_its_figures_the_baseline_and_the_trend(app: TestApp) {
        load_sample(&app).await;
        let api = per_year(&app.turnover("group_by=year").await);
        // 2026 has no target (only operators set one): its figures, the baseline and the trend.
        let none = app.get("/api/v1/targets?year=2026", None).await;
        assert_eq!(none.assert_status(200)["total"], 0);
        let progress = app.get("/api/v1/stats/targets?year=2026", None).await;
        assert_eq!(progress.assert_status(200)["indicators"], json!([]));
        let page = app.page("/dashboard?year=2026&lang=en", None).await;
        assert_eq!(page.status.as_u16(), 200);
        assert_eq!(testid_text(&page.text, "turnover-actual"), yuan(api[&2026].1));
        assert!(page.text.contains("data-testid=\"no-target\""), "says there is no target");
        let vs = testid_text(&page.text, "vs-baseline");
        assert!(vs.contains("2020") && vs.contains("56.57"), "against 2020's 565.71 亿元: {vs}");
        for year in YEARS {
            assert_eq!(
                testid_text(&page.text, &format!("trend-yuan-{year}")),
                yuan(api[&year].1),
                "the trend shows {year}"
            );
        }

        // An operator sets 2026's target: the same page now measures the year against it.
        let op = app.operator_token().await;
        let target = app
            .post(
                "/api/v1/targets",
                Some(&op),
                &json!({"year": 2026, "indicator": "contract_turnover", "target_value": 1_300_000_000_000_000_i64,
                        "baseline_value": 5_657_100_000_000_i64, "baseline_year": 2020, "source": "test plan 2026"}),
            )
            .await;
        target.assert_status(201);
        let page = app.page("/dashboard?year=2026&lang=en", None).await;
        assert!(!page.text.contains("data-testid=\"no-target\""));
        assert!(page.text.contains("data-testid=\"turnover-target\""), "the target is shown");
    }
}

integration_tests::db_test! {
    async fn operators_drill_from_a_figure_to_its_contracts_and_anyone_exports(app: TestApp) {
        load_sample(&app).await;
        let op = app.operator_token().await;
        let api = per_year(&app.turnover("group_by=year").await);
        // The operator's dashboard links each figure to its contracts, keeping the side.
        let page = app.page("/dashboard?year=2025&basis=output", Some(&op)).await;
        let links = page.text.replace("&#38;", "&").replace("&amp;", "&");
        assert!(links.contains("/dashboard/contracts?basis=output&year=2025&city="), "city rows drill down");
        assert!(links.contains("/dashboard/contracts?basis=output&month=2025-03"), "month rows drill down");
        assert!(links.contains("/dashboard/contracts?year=2024&basis=output"), "trend years drill down");
        let drill = app.page("/dashboard/contracts?basis=output&year=2025", Some(&op)).await;
        assert_eq!(drill.status.as_u16(), 200);
        assert_eq!(testid_text(&drill.text, "drill-total"), yuan(api[&2025].1));
        assert!(drill.text.contains("SAMPLE-H-2025-"), "the sample contracts are listed");

        // The export's fen column sums to the year's figure.
        let csv = app.page("/dashboard/export?year=2025&basis=output&format=csv", Some(&op)).await;
        assert_eq!(csv.status.as_u16(), 200);
        assert!(csv.headers["content-type"].to_str().expect("type").starts_with("text/csv"));
        let mut lines = csv.text.lines();
        let header: Vec<&str> = lines.next().expect("header").trim_start_matches('\u{feff}').split(',').collect();
        let fen_col = header.iter().position(|h| *h == "amount_cny_fen").expect("a fen column");
        let fen = |l: &str| l.split(',').nth(fen_col).expect("fen cell").trim().parse::<i64>().expect("fen");
        let (months, total): (Vec<&str>, Vec<&str>) =
            lines.filter(|l| !l.trim().is_empty()).partition(|l| !l.starts_with("total"));
        assert_eq!(months.iter().map(|l| fen(l)).sum::<i64>(), api[&2025].1, "the months sum to the year");
        assert_eq!(total.iter().map(|l| fen(l)).collect::<Vec<_>>(), vec![api[&2025].1], "one total line");
        let xlsx = app.page("/dashboard/export?year=2025&format=xlsx", None).await;
        assert_eq!(xlsx.status.as_u16(), 200, "anyone exports");
        assert!(xlsx.headers["content-disposition"].to_str().expect("disposition").contains("turnover.xlsx"));
    }
}

integration_tests::db_test! {
    async fn hostile_callers_change_no_target_and_malformed_years_are_refused(app: TestApp) {
        load_sample(&app).await;
        let member = app.org_in("university", "tto@hostile-uni.test", "450100", false).await;
        let body = json!({"year": 2027, "indicator": "contract_turnover", "target_value": 1, "source": "mine"});
        app.post("/api/v1/targets", None, &body).await.assert_problem(401, "unauthorized");
        app.post("/api/v1/targets", Some(&member.token), &body).await.assert_problem(403, "forbidden");
        let op = app.operator_token().await;
        let huge = json!({"year": 99999, "indicator": "contract_turnover", "target_value": 1, "source": "x"});
        assert_eq!(app.post("/api/v1/targets", Some(&op), &huge).await.status.as_u16(), 422);
        let listed = app.get("/api/v1/targets?year=2027", None).await;
        assert_eq!(listed.assert_status(200)["total"], 0, "nothing changed");

        for path in [
            "/api/v1/stats/turnover?year=99999",
            "/api/v1/stats/turnover?year=abc",
            "/api/v1/stats/targets?year=99999",
            "/api/v1/stats/targets?year=abc",
            "/api/v1/stats/turnover?basis=sideways",
        ] {
            app.get(path, None).await.assert_problem(400, "bad_request");
        }
        // The page falls back to the current year and the output side on a bad value.
        let page = app.page("/dashboard?year=abc&basis=sideways", None).await;
        assert_eq!(page.status.as_u16(), 200);
        assert!(page.text.contains(r#"name="basis" value="output""#));
        // The contracts behind a figure are for operators; a malformed filter is a 4xx.
        let drill = app.page("/dashboard/contracts?year=2025", Some(&member.token)).await;
        assert_eq!(drill.status.as_u16(), 403);
        let drill = app.page(&format!("/dashboard/contracts?month={}", "9".repeat(5000)), Some(&op)).await;
        assert_eq!(drill.status.as_u16(), 400);
        let export = app.page("/dashboard/export?year=2025&format=pdf", None).await;
        assert_eq!(export.status.as_u16(), 400);
    }
}
