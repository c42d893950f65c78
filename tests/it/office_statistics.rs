//! The registration office in the statistics (issue #14): two city offices and the
//! provincial office each register contracts by hand and by intake; the figures by office
//! equal the sum of that office's registrations to the fen (from the rollups and from the raw
//! tables) and add up to the total; a cancelled registration leaves its office's figures.
//! Who reads them: a city office's operators their own office only (another office's figures
//! and report are a 403), platform operators any office, members of organisations 403,
//! anonymous callers 401; a malformed office id is a 400, an unknown one a 404. Batch intake
//! writes one audit entry per registered row (who, which intake, which row, which
//! registration) and none when all-or-nothing refuses the file. And the migration that added
//! the office rebuilds the rollups of an upgraded database by office.

use std::collections::BTreeMap;

use integration_tests::deals::days_ago;
use integration_tests::{db_test, TestApp};
use platform::entity::audit_log;
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use sea_orm_migration::MigratorTrait;
use serde_json::{json, Value};

use crate::office::{
    city_office, create_contract, fresh_code, id, intake_header, intake_row, off_platform_contract,
    submit, upload_intake,
};

/// A Guangxi seller in `region`, a contract with a buyer off the platform, submitted; the
/// office of the seller's city registers it. Returns (registration, version after decision).
async fn register_by_hand(
    app: &TestApp,
    region: &str,
    clerk: &str,
    amount: i64,
) -> (String, Value) {
    let email = format!("seller-{}@stats.test", uuid::Uuid::now_v7().simple());
    let seller = app.org_in("university", &email, region, false).await;
    let c = create_contract(
        app,
        &seller.token,
        &off_platform_contract(&seller.id, &fresh_code(), amount, amount),
    )
    .await;
    let reg = submit(app, &seller.token, &id(&c)).await;
    let decided = app
        .post(
            &format!("/api/v1/registrations/{}/decision", id(&reg)),
            Some(clerk),
            &json!({"version": reg["version"], "decision": "register"}),
        )
        .await
        .assert_status(200)
        .clone();
    (id(&reg), decided)
}

/// Rows `from..to` of the intake template and the sum of their contract amounts (fen).
fn intake(from: usize, to: usize) -> (String, i64) {
    let on = days_ago(20);
    let mut lines = vec![intake_header()];
    let mut sum = 0;
    for i in from..to {
        let line = intake_row(i, on);
        let amount: i64 = line
            .split(',')
            .nth(22)
            .expect("amount")
            .replace('.', "")
            .parse()
            .expect("fen");
        sum += amount;
        lines.push(line);
    }
    (lines.join("\n"), sum)
}

/// Fen as the portal prints yuan: `1,234,567.89`.
fn yuan(fen: i64) -> String {
    format!(
        "{}.{:02}",
        portal::format::group_thousands(fen / 100),
        fen % 100
    )
}

/// The text of the element carrying `data-testid="{id}"`.
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

/// Figures by office (office id → (contracts, fen)) from a turnover answer.
fn by_office(out: &Value) -> BTreeMap<String, (i64, i64)> {
    out["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["keys"]["office"].as_str().expect("office key").to_owned(),
                (
                    r["contract_count"].as_i64().expect("count"),
                    r["amount_cny_minor"].as_i64().expect("amount"),
                ),
            )
        })
        .collect()
}

fn total_of(out: &Value) -> i64 {
    out["total_amount_cny_minor"].as_i64().expect("total")
}

/// Audit entries of the intake's registrations.
async fn intake_audit(app: &TestApp, import: &str) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("registration.import"))
        .all(&app.db)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.after.as_ref().is_some_and(|a| a["import_id"] == import))
        .collect()
}

db_test! {
    async fn office_statistics_sum_each_office_to_the_fen_and_only_its_readers_see_them(app: TestApp) {
        let admin = app.operator_token().await;
        let provincial = id(&app.get("/api/v1/offices/mine", Some(&admin)).await.assert_status(200)[0]);
        let (nanning, nn_clerk) = city_office(&app, &admin, "450100", "450100").await;
        let (liuzhou, lz_clerk) = city_office(&app, &admin, "450200", "450200").await;
        let member = app.org_in("enterprise", "stats-member@member.test", "450100", false).await;

        // By hand: a Nanning, a Liuzhou and a Guilin (no city office: provincial) contract.
        let (nn_reg, nn_decided) = register_by_hand(&app, "450100", &nn_clerk, 1_234_567).await;
        register_by_hand(&app, "450200", &lz_clerk, 2_000_001).await;
        register_by_hand(&app, "450300", &admin, 3_000_303).await;
        // By intake: each office imports its own rows (the office is the importing one,
        // whichever city the parties are in).
        let (nn_csv, nn_sum) = intake(0, 30);
        let (lz_csv, lz_sum) = intake(100, 140);
        let (pv_csv, pv_sum) = intake(200, 225);
        let nn_import = upload_intake(&app, &nn_clerk, &nanning, "valid_rows_only", &nn_csv).await;
        assert_eq!(nn_import["created_count"], 30, "{nn_import}");
        let lz_import = upload_intake(&app, &lz_clerk, &liuzhou, "valid_rows_only", &lz_csv).await;
        assert_eq!(lz_import["created_count"], 40, "{lz_import}");
        let pv_import = upload_intake(&app, &admin, &provincial, "valid_rows_only", &pv_csv).await;
        assert_eq!(pv_import["created_count"], 25, "{pv_import}");
        app.run_jobs().await;
        let mut expected: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        expected.insert(nanning.clone(), (31, 1_234_567 + nn_sum));
        expected.insert(liuzhou.clone(), (41, 2_000_001 + lz_sum));
        expected.insert(provincial.clone(), (26, 3_000_303 + pv_sum));

        // A platform operator: every office, from the rollups and the raw tables alike, the
        // offices adding up to the total.
        let rollup = app.get("/api/v1/stats/turnover?group_by=office", Some(&admin)).await.assert_status(200).clone();
        assert_eq!(by_office(&rollup), expected, "{rollup}");
        let raw = app.get("/api/v1/stats/turnover?group_by=office&source=raw", Some(&admin)).await.assert_status(200).clone();
        assert_eq!(by_office(&raw), expected, "{raw}");
        let all = app.get("/api/v1/stats/turnover?group_by=", Some(&admin)).await.assert_status(200).clone();
        assert_eq!(total_of(&all), expected.values().map(|v| v.1).sum::<i64>());
        assert_eq!(total_of(&rollup), total_of(&all));
        let names: Vec<&str> = rollup["rows"].as_array().expect("rows").iter().filter_map(|r| r["labels"]["office"].as_str()).collect();
        assert!(names.iter().any(|n| n.contains("登记机构")), "offices are labelled by name: {names:?}");
        // One office, by month and by contract type: the same sum.
        for group in ["month", "contract_type", "city"] {
            let one = app.get(&format!("/api/v1/stats/turnover?office={liuzhou}&group_by={group}"), Some(&admin)).await.assert_status(200).clone();
            assert_eq!(total_of(&one), expected[&liuzhou].1, "{group}: {one}");
        }

        // A city office's clerk: their own office (named or implied), not another's.
        let own = app.get("/api/v1/stats/turnover?group_by=office", Some(&nn_clerk)).await.assert_status(200).clone();
        assert_eq!(by_office(&own), BTreeMap::from([(nanning.clone(), expected[&nanning])]));
        let own = app.get(&format!("/api/v1/stats/turnover?office={nanning}&group_by=month"), Some(&nn_clerk)).await.assert_status(200).clone();
        assert_eq!(total_of(&own), expected[&nanning].1);
        let drill = app.get(&format!("/api/v1/stats/turnover/contracts?office={nanning}"), Some(&nn_clerk)).await.assert_status(200).clone();
        assert_eq!(total_of(&drill), expected[&nanning].1);
        app.get(&format!("/api/v1/stats/turnover?office={liuzhou}"), Some(&nn_clerk)).await.assert_problem(403, "forbidden");
        app.get(&format!("/api/v1/stats/turnover/contracts?office={liuzhou}"), Some(&nn_clerk)).await.assert_problem(403, "forbidden");
        app.get(&format!("/api/v1/stats/turnover/export?office={liuzhou}&format=csv"), Some(&nn_clerk)).await.assert_problem(403, "forbidden");
        // Reports: their own office's, not another's; a platform operator files any office's.
        let period = days_ago(20).format("%Y-%m").to_string();
        app.get(&format!("/api/v1/offices/{liuzhou}/reports?period={period}"), Some(&nn_clerk)).await.assert_problem(403, "forbidden");
        // The report's total for the month is the office's figure for the month.
        for (office, reader) in [(&nanning, &nn_clerk), (&liuzhou, &admin)] {
            let month = app.get(&format!("/api/v1/stats/turnover?office={office}&month={period}&group_by="), Some(reader)).await.assert_status(200).clone();
            assert!(total_of(&month) > 0);
            let report = app.get(&format!("/api/v1/offices/{office}/reports?period={period}&format=csv"), Some(reader)).await;
            assert_eq!(report.status.as_u16(), 200, "{}", report.text);
            let line = report.text.lines().find(|l| l.contains(",output,total,")).expect("total line");
            assert!(line.contains(&format!(",{},", total_of(&month))), "{line} vs {month}");
        }

        // Hostile callers: anonymous 401, a member of an organisation 403, malformed 400,
        // an office that does not exist 404 — and the public figures stay public.
        app.get(&format!("/api/v1/stats/turnover?office={nanning}"), None).await.assert_problem(401, "unauthorized");
        app.get("/api/v1/stats/turnover?group_by=office", None).await.assert_problem(401, "unauthorized");
        app.get(&format!("/api/v1/offices/{nanning}/reports?period={period}"), None).await.assert_problem(401, "unauthorized");
        app.get(&format!("/api/v1/stats/turnover?office={nanning}"), Some(&member.token)).await.assert_problem(403, "forbidden");
        app.get("/api/v1/stats/turnover?group_by=office,month", Some(&member.token)).await.assert_problem(403, "forbidden");
        app.get(&format!("/api/v1/offices/{nanning}/reports?period={period}"), Some(&member.token)).await.assert_problem(403, "forbidden");
        let bad = app.get("/api/v1/stats/turnover?office=not-an-office", Some(&admin)).await;
        assert_eq!(bad.status.as_u16(), 400, "{}", bad.text);
        let long = format!("/api/v1/stats/turnover?office={}", "9".repeat(10_000));
        let bad = app.get(&long, Some(&admin)).await;
        assert!((400..500).contains(&bad.status.as_u16()), "{}", bad.status);
        app.get(&format!("/api/v1/stats/turnover?office={}", uuid::Uuid::now_v7()), Some(&admin)).await.assert_problem(404, "not_found");
        app.get("/api/v1/stats/turnover?group_by=year", None).await.assert_status(200);
        // The same question twice at once: the same answer.
        let q = format!("/api/v1/stats/turnover?office={liuzhou}&group_by=month");
        let (a, b) = tokio::join!(app.get(&q, Some(&lz_clerk)), app.get(&q, Some(&lz_clerk)));
        assert_eq!(a.assert_status(200)["rows"], b.assert_status(200)["rows"]);

        // The Office page shows the clerk their office's figures for this year, as the API
        // gives them to the fen.
        let year = chrono::Utc::now().date_naive().format("%Y").to_string();
        let this_year = app.get(&format!("/api/v1/stats/turnover?office={nanning}&year={year}&group_by=month"), Some(&nn_clerk)).await.assert_status(200).clone();
        assert!(total_of(&this_year) >= 1_234_567);
        let page = app.page("/office", Some(&nn_clerk)).await;
        assert_eq!(page.status.as_u16(), 200);
        assert_eq!(testid_text(&page.text, "office-figures-amount"), yuan(total_of(&this_year)));
        assert_eq!(testid_text(&page.text, "office-figures-count"), this_year["total_contract_count"].to_string());
        assert_eq!(page.text.matches("data-testid=\"office-figures\"").count(), 1, "one desk, one office's figures");

        // A cancelled registration leaves its office's figures, and only its office's.
        app.post(&format!("/api/v1/registrations/{nn_reg}/cancel"), Some(&nn_clerk),
            &json!({"version": nn_decided["version"], "reason": "合同解除 contract rescinded"})).await.assert_status(200);
        app.run_jobs().await;
        let after = app.get("/api/v1/stats/turnover?group_by=office", Some(&admin)).await.assert_status(200).clone();
        let mut shrunk = expected.clone();
        shrunk.insert(nanning.clone(), (30, nn_sum));
        assert_eq!(by_office(&after), shrunk, "{after}");
        let raw = app.get("/api/v1/stats/turnover?group_by=office&source=raw", Some(&admin)).await.assert_status(200).clone();
        assert_eq!(by_office(&raw), shrunk);
    }
}

db_test! {
    async fn office_intake_audits_each_registered_row_and_nothing_when_all_or_nothing_refuses(app: TestApp) {
        let admin = app.operator_token().await;
        let (liuzhou, clerk) = city_office(&app, &admin, "450200", "450200").await;
        let me = app.get("/api/v1/me", Some(&clerk)).await.assert_status(200).clone();
        let clerk_id: uuid::Uuid = me["user_id"].as_str().expect("user").parse().expect("uuid");
        // Row 4 of the file (spreadsheet numbering) is bad: an unknown contract type.
        let (csv, _) = intake(300, 310);
        let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
        lines[3] = lines[3].replacen("技术开发,委托开发", "设备买卖,委托开发", 1);
        let csv = lines.join("\n");

        // All or nothing: refused, no registration and so no audit entry.
        let refused = upload_intake(&app, &clerk, &liuzhou, "all_or_nothing", &csv).await;
        assert_eq!(refused["status"], "failed");
        assert_eq!(refused["errors"][0]["row"], 4);
        assert!(intake_audit(&app, &id(&refused)).await.is_empty());

        // Valid rows only: nine registrations, nine entries, each naming the clerk, the intake,
        // its row and its registration; the bad row stays in the error report only.
        let done = upload_intake(&app, &clerk, &liuzhou, "valid_rows_only", &csv).await;
        assert_eq!(done["created_count"], 9, "{done}");
        assert_eq!(done["errors"][0]["row"], 4);
        let entries = intake_audit(&app, &id(&done)).await;
        assert_eq!(entries.len(), 9);
        let mut rows: Vec<i64> = Vec::new();
        for e in &entries {
            assert_eq!(e.actor_user_id, Some(clerk_id));
            assert_eq!(e.entity_type, "registration");
            assert_eq!(e.service, "deal");
            let after = e.after.as_ref().expect("after");
            assert_eq!(after["id"], e.entity_id.to_string());
            assert_eq!(after["office_id"], liuzhou.as_str());
            assert_eq!(after["status"], "registered");
            let reg = platform::entity::registrations::Entity::find_by_id(e.entity_id).one(&app.db).await.expect("db").expect("the registration exists");
            assert_eq!(after["registration_number"], reg.registration_number.clone().expect("number").as_str());
            rows.push(after["import_row"].as_i64().expect("row"));
        }
        rows.sort_unstable();
        assert_eq!(rows, vec![2, 3, 5, 6, 7, 8, 9, 10, 11]);

        // The same file twice at once: its rows are registered (and audited) once.
        let (fresh, _) = intake(400, 420);
        let start = |csv: String| {
            let app = &app;
            let clerk = &clerk;
            let liuzhou = &liuzhou;
            async move {
                app.client_request(Method::POST, &format!("/api/v1/offices/{liuzhou}/imports?mode=valid_rows_only&file_name=twice.csv"), clerk, "text/csv", csv.into_bytes())
                    .await.assert_status(202).clone()
            }
        };
        let (a, b) = tokio::join!(start(fresh.clone()), start(fresh.clone()));
        app.run_jobs().await;
        let mut created = 0;
        let mut audited = 0;
        for started in [a, b] {
            let done = app.get(&format!("/api/v1/offices/imports/{}", id(&started)), Some(&clerk)).await.assert_status(200).clone();
            assert!(done["status"] == "succeeded" || done["status"] == "failed", "{done}");
            created += done["created_count"].as_i64().expect("count");
            audited += intake_audit(&app, &id(&started)).await.len();
        }
        assert_eq!(created, 20);
        assert_eq!(audited, 20);
    }
}

db_test! {
    /// A rolling deploy: a deal worker built before migration 130 writes a month's rollups
    /// without a grouping set. No reader counts such rows (nothing double counts), and the
    /// deal service recomputes their months when it starts.
    async fn office_rollups_without_a_grouping_set_are_recomputed_when_deal_starts(app: TestApp) {
        use sea_orm::ConnectionTrait;
        let admin = app.operator_token().await;
        register_by_hand(&app, "450300", &admin, 7_000_007).await;
        app.run_jobs().await;
        let question = "/api/v1/stats/turnover?group_by=city,month";
        let before = app.get(question, Some(&admin)).await.assert_status(200).clone();
        assert!(total_of(&before) >= 7_000_007, "{before}");
        app.db
            .execute_unprepared("UPDATE turnover_rollups SET grouping_set = ''")
            .await
            .expect("unname");
        let hidden = app.get(question, Some(&admin)).await.assert_status(200).clone();
        assert_eq!(total_of(&hidden), 0, "{hidden}");
        deal::schedule_periodic_jobs(&app.db).await.expect("deal starts");
        app.run_jobs().await;
        let after = app.get(question, Some(&admin)).await.assert_status(200).clone();
        assert_eq!(after["rows"], before["rows"]);
        let raw = app
            .get(&format!("{question}&source=raw"), Some(&admin))
            .await
            .assert_status(200)
            .clone();
        assert_eq!(after["rows"], raw["rows"]);
    }
}

/// Migration 100 on an upgraded database: rollups written before it (without offices) are
/// rebuilt by office, so the figures by office are right before any worker runs.
async fn migration_rebuilds_rollups_by_office(backend: integration_tests::Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.operator_token().await;
    let provincial = id(&app
        .get("/api/v1/offices/mine", Some(&admin))
        .await
        .assert_status(200)[0]);
    let (nanning, clerk) = city_office(&app, &admin, "450100", "450100").await;
    register_by_hand(&app, "450100", &clerk, 5_000_005).await;
    register_by_hand(&app, "450300", &admin, 7_000_007).await;
    let (csv, sum) = intake(500, 520);
    upload_intake(&app, &clerk, &nanning, "valid_rows_only", &csv).await;
    app.run_jobs().await;
    let before = app
        .get("/api/v1/stats/turnover?group_by=office", Some(&admin))
        .await
        .assert_status(200)
        .clone();
    let expected = BTreeMap::from([
        (nanning.clone(), (21, 5_000_005 + sum)),
        (provincial.clone(), (1, 7_000_007)),
    ]);
    assert_eq!(by_office(&before), expected);
    let total = app
        .get("/api/v1/stats/turnover?group_by=city,month", Some(&admin))
        .await
        .assert_status(200)
        .clone();

    // Back to the schema before migration 100 (and the ones after it): the rollups have no
    // office; the figures without offices are the same (its `down` rebuilds them too).
    let all = migrations::Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name().ends_with("_000100_office_statistics"))
        .expect("migration 100");
    let steps = u32::try_from(all.len() - at).expect("steps");
    migrations::Migrator::down(&app.db, Some(steps))
        .await
        .expect("down 100");
    let stmt = sea_orm::Statement::from_string(app.db.get_database_backend(),
        "SELECT CAST(SUM(contract_amount_cny_minor) AS BIGINT) AS s FROM turnover_rollups WHERE basis = 'output' AND region_code = '*' AND country = '*' AND contract_type = '*' AND industry_code = '*'");
    use sea_orm::ConnectionTrait;
    let row = app.db.query_one(stmt).await.expect("sum").expect("row");
    assert_eq!(row.try_get::<i64>("", "s").expect("s"), total_of(&total));
    // Upgrading again rebuilds them by office, with no job run.
    migrations::Migrator::up(&app.db, None)
        .await
        .expect("up 100");
    let after = app
        .get("/api/v1/stats/turnover?group_by=office", Some(&admin))
        .await
        .assert_status(200)
        .clone();
    assert_eq!(by_office(&after), expected, "{after}");
    let again = app
        .get("/api/v1/stats/turnover?group_by=city,month", Some(&admin))
        .await
        .assert_status(200)
        .clone();
    assert_eq!(again["rows"], total["rows"]);
    let raw = app
        .get(
            "/api/v1/stats/turnover?group_by=office,month&source=raw",
            Some(&admin),
        )
        .await
        .assert_status(200)
        .clone();
    let rollup = app
        .get("/api/v1/stats/turnover?group_by=office,month", Some(&admin))
        .await
        .assert_status(200)
        .clone();
    assert_eq!(raw["rows"], rollup["rows"]);
    // Migration 130 summed one office's pairs (its city, contract type, … beside the office)
    // from the rebuilt detail rows: the office filter reads them, and they agree with the raw
    // tables to the fen.
    for group_by in ["city,month", "contract_type", "industry,year", "country"] {
        let question = format!("/api/v1/stats/turnover?group_by={group_by}&office={nanning}");
        let rollup = app
            .get(&question, Some(&admin))
            .await
            .assert_status(200)
            .clone();
        let raw = app
            .get(&format!("{question}&source=raw"), Some(&admin))
            .await
            .assert_status(200)
            .clone();
        assert_eq!(rollup["rows"], raw["rows"], "{group_by}");
        assert_eq!(total_of(&rollup), 5_000_005 + sum, "{group_by}");
    }
}

mod office_migration_rebuilds_rollups_by_office {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        migration_rebuilds_rollups_by_office(integration_tests::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        migration_rebuilds_rollups_by_office(integration_tests::Backend::Postgres).await;
    }
}
