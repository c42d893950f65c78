//! Bulk import from spreadsheets: per-row error reports, all-or-nothing vs valid rows only,
//! Chinese or English headers, CSV or XLSX, exports that import again.

use integration_tests::db_test;
use listing::domain::spreadsheet::{self, Format, Table};
use reqwest::Method;

const HEADER_EN: &str = "title,summary,industry,ip_type,trl,price_min,price_max,region,valid_until,keywords,cooperation_modes";

fn valid_row(i: usize) -> String {
    format!(
        "甘蔗收割机智能控制系统第{i}号,利用视觉识别实现甘蔗收割机自动对行与切割高度控制，第{i}号样机。,modern_agriculture,invention_patent,6,500000,800000.50,柳州,2030-01-01,甘蔗;收割机,transfer;合作开发"
    )
}

/// 10,000 rows, three of them bad in different ways (rows numbered as in a spreadsheet).
fn big_csv() -> (String, Vec<(usize, &'static str)>) {
    let mut lines = vec![HEADER_EN.to_owned()];
    for i in 0..10_000 {
        lines.push(valid_row(i));
    }
    // Data row k is spreadsheet row k + 2.
    lines[1 + 1234] = lines[1 + 1234].replace(",6,", ",12,");
    lines[1 + 5000] = lines[1 + 5000].replace("modern_agriculture", "astrology");
    lines[1 + 9999] = lines[1 + 9999].replace("500000,800000.50", "900000,800000.50");
    (
        lines.join("\n"),
        vec![(1236, "trl"), (5002, "industry"), (10001, "price_min")],
    )
}

async fn upload(
    app: &integration_tests::TestApp,
    token: &str,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> serde_json::Value {
    let res = app
        .client_request(
            Method::POST,
            &format!("/api/v1/imports?{query}"),
            token,
            content_type,
            body,
        )
        .await;
    res.assert_status(202).clone()
}

async fn count_mine(app: &integration_tests::TestApp, token: &str) -> u64 {
    app.get("/api/v1/achievements?mine=true&per_page=1", Some(token))
        .await
        .assert_status(200)["total"]
        .as_u64()
        .expect("total")
}

db_test! {
    async fn a_10000_row_import_with_3_bad_rows_reports_exactly_those_rows(app: TestApp) {
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let (csv, bad) = big_csv();

        let started = upload(&app, &uni, "kind=achievements&mode=all_or_nothing&file_name=list.csv", "text/csv", csv.clone().into_bytes()).await;
        assert_eq!(started["status"], "queued");
        app.run_jobs().await;
        let id = started["id"].as_str().expect("id");
        let done = app.get(&format!("/api/v1/imports/{id}"), Some(&uni)).await;
        let done = done.assert_status(200);
        assert_eq!(done["status"], "failed");
        assert_eq!(done["total_rows"], 10_000);
        assert_eq!(done["created_count"], 0);
        let reported: Vec<(usize, String)> = done["errors"].as_array().expect("errors").iter()
            .map(|e| (e["row"].as_u64().expect("row") as usize, e["column"].as_str().expect("column").to_owned()))
            .collect();
        let expected: Vec<(usize, String)> = bad.iter().map(|(r, c)| (*r, (*c).to_owned())).collect();
        assert_eq!(reported, expected, "exactly the three bad rows, with their columns");
        assert_eq!(count_mine(&app, &uni).await, 0, "all-or-nothing wrote nothing");

        let partial = upload(&app, &uni, "kind=achievements&mode=valid_rows_only&file_name=list.csv", "text/csv", csv.into_bytes()).await;
        app.run_jobs().await;
        let done = app.get(&format!("/api/v1/imports/{}", partial["id"].as_str().expect("id")), Some(&uni)).await;
        let done = done.assert_status(200);
        assert_eq!(done["status"], "succeeded");
        assert_eq!(done["created_count"], 9_997);
        assert_eq!(done["error_count"], 3);
        assert_eq!(count_mine(&app, &uni).await, 9_997);
        // Imported listings are drafts with the values of their row.
        let one = app.get("/api/v1/achievements?mine=true&per_page=1", Some(&uni)).await;
        let item = &one.body["items"][0];
        assert_eq!(item["status"], "draft");
        assert_eq!(item["region_code"], "450200");
        assert_eq!(item["price"]["max_minor"], 80_000_050);
        assert_eq!(item["cooperation_modes"], serde_json::json!(["transfer", "joint_development"]));
    }
}

db_test! {
    async fn an_xlsx_with_chinese_headers_imports_and_exports_round_trip(app: TestApp) {
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let table = Table {
            headers: ["成果名称", "成果简介", "行业领域", "知识产权类型", "技术成熟度", "最低价格（元）", "所在地区", "有效期至", "面向东盟"].iter().map(|s| (*s).to_owned()).collect(),
            rows: vec![
                ["纳米碳酸钙表面改性工艺", "采用硬脂酸湿法改性制备高分散纳米碳酸钙。", "碳酸钙", "发明专利", "8", "1200000", "贺州市", "2030-06-30", "是"].iter().map(|s| (*s).to_owned()).collect(),
                ["六堡茶发酵菌种选育", "筛选适合六堡茶渥堆发酵的优势菌种并建立工艺。", "现代农业", "技术秘密", "5", "", "梧州", "2030/06/30", "否"].iter().map(|s| (*s).to_owned()).collect(),
            ],
        };
        let bytes = spreadsheet::write(Format::Xlsx, &table).expect("xlsx");
        let started = upload(&app, &uni, "kind=achievements&file_name=%E6%88%90%E6%9E%9C.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes).await;
        app.run_jobs().await;
        let done = app.get(&format!("/api/v1/imports/{}", started["id"].as_str().expect("id")), Some(&uni)).await;
        assert_eq!(done.assert_status(200)["status"], "succeeded", "{}", done.text);
        assert_eq!(done.body["created_count"], 2);

        // Export as CSV and import it again: the same listings come back.
        let client = reqwest::Client::new();
        let export = client.get(format!("{}/api/v1/exports/achievements?format=csv", app.base_url)).bearer_auth(&uni).send().await.expect("export");
        assert_eq!(export.status(), 200);
        let csv = export.bytes().await.expect("bytes").to_vec();
        {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            use platform::entity::audit_log;
            let audited = audit_log::Entity::find().filter(audit_log::Column::Action.eq("listings.export")).all(&app.db).await.expect("audit");
            assert_eq!(audited.len(), 1, "the export is on the record");
            assert_eq!(audited[0].after.as_ref().map(|a| a["rows"].clone()), Some(serde_json::json!(2)));
        }
        let again = upload(&app, &uni, "kind=achievements&file_name=export.csv", "text/csv", csv).await;
        app.run_jobs().await;
        let done = app.get(&format!("/api/v1/imports/{}", again["id"].as_str().expect("id")), Some(&uni)).await;
        assert_eq!(done.assert_status(200)["status"], "succeeded", "{}", done.text);
        assert_eq!(count_mine(&app, &uni).await, 4);
    }
}

db_test! {
    async fn a_file_missing_required_columns_fails_as_a_whole(app: TestApp) {
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let started = upload(&app, &uni, "kind=achievements&file_name=x.csv", "text/csv", "title,summary\n甘蔗收割机,简介简介简介简介简介\n".as_bytes().to_vec()).await;
        app.run_jobs().await;
        let done = app.get(&format!("/api/v1/imports/{}", started["id"].as_str().expect("id")), Some(&uni)).await;
        let done = done.assert_status(200);
        assert_eq!(done["status"], "failed");
        assert!(done["errors"].as_array().expect("errors").iter().all(|e| e["row"] == 1));
        assert!(done["errors"].as_array().expect("errors").iter().any(|e| e["column"].as_str().unwrap_or("").contains("industry")));
    }
}

db_test! {
    async fn imports_are_private_to_their_organisation_and_need_a_spreadsheet(app: TestApp) {
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let (other, _) = app.sign_up("enterprise", "rd@firm.test").await;
        let started = upload(&app, &uni, "kind=achievements&file_name=x.csv", "text/csv", format!("{HEADER_EN}\n{}\n", valid_row(1)).into_bytes()).await;
        let path = format!("/api/v1/imports/{}", started["id"].as_str().expect("id"));
        app.get(&path, Some(&other)).await.assert_problem(404, "not_found");
        app.get(&path, None).await.assert_problem(401, "unauthorized");
        let res = app.client_request(Method::POST, "/api/v1/imports?kind=achievements&file_name=x.pdf", &uni, "application/pdf", b"%PDF".to_vec()).await;
        res.assert_problem(415, "unsupported_media_type");
        let res = app.client_request(Method::POST, "/api/v1/imports?kind=planets", &uni, "text/csv", b"a".to_vec()).await;
        res.assert_problem(400, "bad_request");
    }
}
