//! Portal pages over HTTP (see tests/support/portal.rs): posting and editing listings through
//! the forms, "my organisation", spreadsheet imports and notifications, as a browser without
//! JavaScript would use them.

use integration_tests::http::USER_PASSWORD;
use integration_tests::listings::{achievement_body, need_body};
use integration_tests::{db_test, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

fn in_days(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

/// The fields a university member types into the achievement form.
fn achievement_form(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("language", "zh".to_owned()),
        ("title", title.to_owned()),
        (
            "summary",
            "利用视觉识别与深度学习实现甘蔗收割机的自动对行与切割高度控制。".to_owned(),
        ),
        (
            "description",
            "由双目相机、嵌入式控制器和液压执行机构组成，已完成两个榨季试验。".to_owned(),
        ),
        ("keywords", "甘蔗、收割机，智能控制".to_owned()),
        ("industry", "modern_agriculture".to_owned()),
        ("ipc_codes", "A01D 45/10, G06N 3/08".to_owned()),
        ("trl", "6".to_owned()),
        ("ip_type", "invention_patent".to_owned()),
        ("patent_status", "granted".to_owned()),
        ("ip_numbers", "ZL202310123456.7".to_owned()),
        ("price_min", "12.5".to_owned()),
        ("price_max", "80.35".to_owned()),
        ("currency", "CNY".to_owned()),
        ("cooperation_modes", "transfer".to_owned()),
        ("cooperation_modes", "joint_development".to_owned()),
        ("region_code", "450200".to_owned()),
        ("country", "CN".to_owned()),
        ("cross_border", "on".to_owned()),
        ("valid_until", in_days(180)),
        ("contact_name", "王老师".to_owned()),
        ("contact_email", "wang@uni.test".to_owned()),
    ]
}

fn pairs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// `/achievements/{id}/edit?flash=saved` → the id.
fn id_from_edit_location(location: &str, collection: &str) -> String {
    let rest = location
        .strip_prefix(&format!("/{collection}/"))
        .unwrap_or_else(|| panic!("unexpected redirect {location}"));
    rest.split('/').next().expect("id").to_owned()
}

async fn member(app: &TestApp, kind: &str, email: &str) -> (String, String) {
    let (token, _) = app.sign_up(kind, email).await;
    let session = app.portal_login(email, USER_PASSWORD).await;
    (token, session)
}

db_test! {
    async fn a_university_member_posts_an_achievement_through_the_form(app: TestApp) {
        let (token, session) = member(&app, "university", "tto@uni.test").await;

        let form = app.page("/achievements/new", Some(&session)).await;
        assert_eq!(form.status.as_u16(), 200, "{}", form.text);
        for name in ["title", "summary", "description", "industry", "trl", "keywords", "price_min", "currency", "valid_until"] {
            assert!(form.text.contains(&format!("name=\"{name}\"")), "input {name} missing");
            assert!(form.text.contains(&format!("for=\"f-{name}\"")), "label for {name} missing");
        }

        let fields = achievement_form("甘蔗收割机智能对行控制系统");
        let res = app.submit("/achievements/new", Some(&session), &pairs(&fields)).await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text);
        assert!(res.location().ends_with("/edit?flash=saved"), "{}", res.location());
        let id = id_from_edit_location(res.location(), "achievements");

        let stored = app.get(&format!("/api/v1/achievements/{id}"), Some(&token)).await;
        let a = stored.assert_status(200);
        assert_eq!(a["title"], "甘蔗收割机智能对行控制系统");
        assert_eq!(a["status"], "draft");
        assert_eq!(a["trl"], 6);
        assert_eq!(a["industry"], "modern_agriculture");
        assert_eq!(a["keywords"], json!(["甘蔗", "收割机", "智能控制"]));
        assert_eq!(a["ipc_codes"], json!(["A01D 45/10", "G06N 3/08"]));
        assert_eq!(a["cooperation_modes"], json!(["transfer", "joint_development"]));
        assert_eq!(a["patent_status"], "granted");
        assert_eq!(a["region_code"], "450200");
        assert_eq!(a["cross_border"], true);
        // 12.5 万元 and 80.35 万元, exactly, in fen.
        assert_eq!(a["price"], json!({"min_minor": 12_500_000, "max_minor": 80_350_000, "currency": "CNY"}));

        // The edit page shows the amounts as they were typed, and the draft's state.
        let edit = app.page(&format!("/achievements/{id}/edit?flash=saved"), Some(&session)).await;
        assert_eq!(edit.status.as_u16(), 200, "{}", edit.text);
        assert!(edit.text.contains("value=\"12.5\"") && edit.text.contains("value=\"80.35\""), "{}", edit.text);
        assert!(edit.text.contains("已保存。"), "flash shown");
        assert!(edit.text.contains("提交审核"), "submit button shown");
    }
}

db_test! {
    async fn a_form_with_an_empty_title_comes_back_with_the_error_beside_the_title(app: TestApp) {
        let (token, session) = member(&app, "university", "tto@uni.test").await;
        let mut fields = achievement_form("");
        fields.retain(|(k, _)| *k != "title");
        fields.push(("title", String::new()));

        let res = app.submit("/achievements/new", Some(&session), &pairs(&fields)).await;
        assert_eq!(res.status.as_u16(), 200, "{}", res.text);
        let at_title = res.text.find("id=\"f-title\"").expect("title input");
        let error = res.text.find("<p class=\"field-error\" id=\"e-title\">").expect("error beside the title");
        assert!(error > at_title && error - at_title < 400, "the message follows the title input");
        assert!(res.text.contains("must be at least 4 characters"), "{}", res.text);
        assert!(res.text.contains("aria-describedby=\"e-title\""));
        // What was typed is kept.
        assert!(res.text.contains("利用视觉识别与深度学习实现甘蔗收割机的自动对行与切割高度控制。"));
        assert!(res.text.contains("value=\"12.5\""));

        let mine = app.get("/api/v1/achievements?mine=true", Some(&token)).await;
        assert_eq!(mine.assert_status(200)["total"], 0, "nothing was created");

        // An amount the portal cannot read is refused beside its field, before the API.
        let mut fields = achievement_form("甘蔗收割机智能对行控制系统");
        fields.retain(|(k, _)| *k != "price_min");
        fields.push(("price_min", "12.5000001".to_owned()));
        let res = app.submit("/achievements/new", Some(&session), &pairs(&fields)).await;
        assert_eq!(res.status.as_u16(), 200, "{}", res.text);
        assert!(res.text.contains("id=\"e-price_min\""), "{}", res.text);
        assert!(res.text.contains("小数位过多"), "the portal's words for what was typed: {}", res.text);
        assert_eq!(app.get("/api/v1/achievements?mine=true", Some(&token)).await.assert_status(200)["total"], 0);

        // "1,5" is someone's decimal comma: refused, not read as 15 万元.
        let mut fields = achievement_form("甘蔗收割机智能对行控制系统");
        fields.retain(|(k, _)| *k != "price_min");
        fields.push(("price_min", "1,5".to_owned()));
        let res = app.submit("/achievements/new", Some(&session), &pairs(&fields)).await;
        assert_eq!(res.status.as_u16(), 200, "{}", res.text);
        assert!(res.text.contains("<p class=\"field-error\" id=\"e-price_min\">请输入数字"), "{}", res.text);
        assert!(res.text.contains("value=\"1,5\""), "what was typed is kept");
        assert_eq!(app.get("/api/v1/achievements?mine=true", Some(&token)).await.assert_status(200)["total"], 0);

        // A blank form (no TRL chosen either) shows the API's errors and the portal's together.
        let res = app.submit("/achievements/new", Some(&session), &[("language", "zh"), ("title", ""), ("trl", ""), ("currency", "CNY")]).await;
        assert_eq!(res.status.as_u16(), 200, "{}", res.text);
        for field in ["title", "summary", "industry", "ip_type", "trl"] {
            assert!(res.text.contains(&format!("id=\"e-{field}\"")), "{field}: {}", res.text);
        }
        assert!(res.text.contains("请选择技术成熟度。"));
        assert_eq!(app.get("/api/v1/achievements?mine=true", Some(&token)).await.assert_status(200)["total"], 0);

        // A new form is valid for a year unless changed.
        let form = app.page("/achievements/new", Some(&session)).await;
        let next_year = chrono::Utc::now().date_naive().checked_add_months(chrono::Months::new(12)).expect("date").to_string();
        assert!(form.text.contains(&format!("value=\"{next_year}\"")), "{}", form.text);
    }
}

db_test! {
    async fn editing_keeps_the_version_check(app: TestApp) {
        let (token, session) = member(&app, "university", "tto@uni.test").await;
        let (id, version) = app.create_listing("achievements", &token, &achievement_body()).await;
        assert_eq!(version, 1);

        let edit = app.page(&format!("/achievements/{id}/edit"), Some(&session)).await;
        assert_eq!(edit.status.as_u16(), 200, "{}", edit.text);
        assert!(edit.text.contains("name=\"version\" value=\"1\""));
        // 50–80 万元 as stored by the API.
        assert!(edit.text.contains("value=\"50\"") && edit.text.contains("value=\"80\""));

        // Someone else saves first.
        let other = app
            .request(Method::PATCH, &format!("/api/v1/achievements/{id}"), Some(&token), Some(&json!({"version": 1, "title": "别人先保存的标题版本"})))
            .await;
        other.assert_status(200);

        let mut fields = achievement_form("我在表单里改的标题");
        fields.push(("version", "1".to_owned()));
        let res = app.submit(&format!("/achievements/{id}/edit"), Some(&session), &pairs(&fields)).await;
        assert_eq!(res.status.as_u16(), 200, "{}", res.text);
        assert!(res.text.contains("内容已被他人修改"), "{}", res.text);
        assert!(res.text.contains("我在表单里改的标题"), "what was typed is kept");
        assert!(res.text.contains("name=\"version\" value=\"2\""), "saving again is a deliberate overwrite of version 2");
        let stored = app.get(&format!("/api/v1/achievements/{id}"), Some(&token)).await;
        assert_eq!(stored.assert_status(200)["title"], "别人先保存的标题版本", "nothing was overwritten");

        // With the current version the edit goes through.
        let mut fields = achievement_form("我在表单里改的标题");
        fields.push(("version", "2".to_owned()));
        let res = app.submit(&format!("/achievements/{id}/edit"), Some(&session), &pairs(&fields)).await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text);
        let stored = app.get(&format!("/api/v1/achievements/{id}"), Some(&token)).await;
        let a = stored.assert_status(200);
        assert_eq!(a["title"], "我在表单里改的标题");
        assert_eq!(a["version"], 3);
    }
}

db_test! {
    async fn submitting_for_review_changes_the_status(app: TestApp) {
        let (token, session) = member(&app, "enterprise", "rd@firm.test").await;
        // An open call through the form, with its bounty in 万元.
        let fields: Vec<(&'static str, String)> = vec![
            ("kind", "open_call".to_owned()),
            ("language", "zh".to_owned()),
            ("title", "丘陵蔗区甘蔗机收含杂率控制揭榜".to_owned()),
            ("summary", "寻求降低甘蔗机收含杂率的切割与清选技术，适用于丘陵蔗区。".to_owned()),
            ("industry", "modern_agriculture".to_owned()),
            ("keywords", "甘蔗, 收割机, 含杂率".to_owned()),
            ("min_trl", "5".to_owned()),
            ("budget_min", "40".to_owned()),
            ("budget_max", "90".to_owned()),
            ("currency", "CNY".to_owned()),
            ("bounty", "100".to_owned()),
            ("deadline", in_days(60)),
            ("eligibility", "具有甘蔗收获机械研发经验的高校或企业".to_owned()),
            ("valid_until", in_days(120)),
        ];
        let form = app.page("/needs/new?kind=open_call", Some(&session)).await;
        assert!(form.text.contains("name=\"bounty\"") && form.text.contains("data-completeness="), "{}", form.text);
        let res = app.submit("/needs/new", Some(&session), &pairs(&fields)).await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text);
        let id = id_from_edit_location(res.location(), "needs");
        let need = app.get(&format!("/api/v1/needs/{id}"), Some(&token)).await;
        let n = need.assert_status(200);
        assert_eq!(n["kind"], "open_call");
        assert_eq!(n["bounty"], json!({"minor_units": 100_000_000, "currency": "CNY"}));
        assert_eq!(n["budget"], json!({"min_minor": 40_000_000, "max_minor": 90_000_000, "currency": "CNY"}));
        let score = n["completeness"]["score"].as_i64().expect("score");

        // The edit page shows the saved completeness score and the submit button.
        let edit = app.page(&format!("/needs/{id}/edit"), Some(&session)).await;
        assert!(edit.text.contains(&format!("data-testid=\"completeness-score\">{score}%")), "{}", edit.text);

        let res = app.submit(&format!("/needs/{id}/submit"), Some(&session), &[("version", "1")]).await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text);
        assert_eq!(res.location(), format!("/open-calls/{id}?flash=submitted"));
        let need = app.get(&format!("/api/v1/needs/{id}"), Some(&token)).await;
        assert_eq!(need.assert_status(200)["status"], "submitted");

        // A draft without valid_until is refused beside that field.
        let mut body = need_body();
        body.as_object_mut().expect("object").remove("valid_until");
        let (draft, _) = app.create_listing("needs", &token, &body).await;
        let res = app.submit(&format!("/needs/{draft}/submit"), Some(&session), &[("version", "1")]).await;
        assert_eq!(res.status.as_u16(), 200, "{}", res.text);
        assert!(res.text.contains("id=\"e-valid_until\""), "{}", res.text);
        let need = app.get(&format!("/api/v1/needs/{draft}"), Some(&token)).await;
        assert_eq!(need.assert_status(200)["status"], "draft");

        // Withdrawing goes back to "my organisation", where the open call shows as withdrawn.
        let res = app.submit(&format!("/needs/{id}/withdraw"), Some(&session), &[("version", "2")]).await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text);
        assert_eq!(res.location(), "/my?flash=withdrawn");
        let my = app.page("/my?flash=withdrawn", Some(&session)).await;
        assert!(my.text.contains("丘陵蔗区甘蔗机收含杂率控制揭榜") && my.text.contains("已撤回"), "{}", my.text);
    }
}

db_test! {
    async fn my_organisation_lists_its_listings_in_every_status(app: TestApp) {
        let (token, session) = member(&app, "university", "tto@uni.test").await;
        let operator = app.operator_token().await;
        let mut draft = achievement_body();
        draft["title"] = json!("草稿中的水稻育秧机械成果");
        app.create_listing("achievements", &token, &draft).await;
        let mut published = achievement_body();
        published["title"] = json!("已发布的甘蔗收割控制成果");
        let (pid, _) = app.create_listing("achievements", &token, &published).await;
        app.publish_listing("achievements", &pid, &token, &operator).await;
        let (nid, _) = app.create_listing("needs", &token, &need_body()).await;

        let my = app.page("/my", Some(&session)).await;
        assert_eq!(my.status.as_u16(), 200, "{}", my.text);
        assert!(my.text.contains("草稿中的水稻育秧机械成果"));
        assert!(my.text.contains("已发布的甘蔗收割控制成果"));
        assert!(my.text.contains("甘蔗机械化收获含杂率控制技术需求"));
        assert!(my.text.contains("草稿") && my.text.contains("已发布"), "status badges");
        assert!(my.text.contains(&format!("/achievements/{pid}/edit")) && my.text.contains(&format!("/needs/{nid}/edit")));
        assert!(my.text.contains("待认证") || my.text.contains("已认证"), "verification status shown");
        assert!(my.text.contains("/achievements/new"), "post buttons");
        assert!(my.text.contains("成员（1）"), "the member count: {}", my.text);

        // A page number past the end shows the last page of that list.
        let far = app.page("/my?a_page=18446744073709551615&n_page=99999", Some(&session)).await;
        assert_eq!(far.status.as_u16(), 200, "{}", far.text);
        assert!(far.text.contains("已发布的甘蔗收割控制成果") && far.text.contains("甘蔗机械化收获含杂率控制技术需求"), "{}", far.text);

        // Signed out, the page asks to sign in first.
        let anonymous = app.page("/my", None).await;
        assert_eq!(anonymous.status.as_u16(), 303);
        assert!(anonymous.location().starts_with("/login?next=%2Fmy"));
    }
}

/// Uploads a file through the portal's import form as a browser does (multipart).
async fn upload(
    app: &TestApp,
    session: &str,
    kind: &str,
    mode: &str,
    file_name: &str,
    data: &str,
) -> (u16, String, String) {
    let boundary = "----portal-test-boundary";
    let mut body = String::new();
    for (name, value) in [("kind", kind), ("mode", mode)] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n{data}\r\n--{boundary}--\r\n"
    ));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = client
        .post(format!("{}/my/imports", app.base_url))
        .header("origin", app.base_url.clone())
        .header("cookie", format!("tm_session={session}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("upload reached the portal");
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, location, res.text().await.unwrap_or_default())
}

db_test! {
    async fn an_import_with_a_bad_row_shows_that_rows_error(app: TestApp) {
        let (token, session) = member(&app, "university", "tto@uni.test").await;
        let csv = [
            "title,summary,industry,ip_type,trl,price_min,price_max,region,valid_until,keywords,cooperation_modes",
            "甘蔗收割机智能控制系统一号,利用视觉识别实现甘蔗收割机自动对行与切割高度控制。,modern_agriculture,invention_patent,6,500000,800000,柳州,2030-01-01,甘蔗;收割机,transfer",
            "甘蔗收割机智能控制系统二号,利用视觉识别实现甘蔗收割机自动对行与切割高度控制。,modern_agriculture,invention_patent,12,500000,800000,柳州,2030-01-01,甘蔗;收割机,transfer",
        ]
        .join("\n");

        let page = app.page("/my/imports", Some(&session)).await;
        assert!(page.text.contains("enctype=\"multipart/form-data\"") && page.text.contains("name=\"file\""), "{}", page.text);

        let (status, location, text) = upload(&app, &session, "achievements", "valid_rows_only", "list.csv", &csv).await;
        assert_eq!(status, 303, "{text}");
        assert!(location.starts_with("/my/imports/") && location.ends_with("?flash=imported"), "{location}");
        let path = location.split('?').next().expect("path").to_owned();

        let queued = app.page(&path, Some(&session)).await;
        assert_eq!(queued.status.as_u16(), 200, "{}", queued.text);
        assert!(queued.text.contains("data-refresh-seconds"), "refreshes while queued");

        app.run_jobs().await;
        let done = app.page(&path, Some(&session)).await;
        assert!(!done.text.contains("data-refresh-seconds"), "stops refreshing when finished");
        let table = &done.text[done.text.find("data-testid=\"row-errors\"").expect("row errors table")..];
        assert!(table.contains("<td class=\"num\">3</td><td><code>trl</code></td>"), "{table}");
        assert!(table.contains("must be between 1 and 9"), "the reason: {table}");
        assert!(!table.contains("<td class=\"num\">2</td>"), "the good row has no error");
        let mine = app.get("/api/v1/achievements?mine=true", Some(&token)).await;
        assert_eq!(mine.assert_status(200)["total"], 1, "the valid row was imported");

        // A post without a file is refused beside the file input.
        let (status, _, text) = upload(&app, &session, "achievements", "all_or_nothing", "empty.csv", "").await;
        assert_eq!(status, 200);
        assert!(text.contains("id=\"e-file\""), "{text}");

        // A page number past the end shows the last page (no overflow), and an id that is
        // not one is a page that does not exist.
        let far = format!("{path}?page=18446744073709551615");
        for url in ["/my/imports?page=18446744073709551615", far.as_str()] {
            let page = app.page(url, Some(&session)).await;
            assert_eq!(page.status.as_u16(), 200, "{url}: {}", page.text);
        }
        let page = app.page("/my/imports?page=18446744073709551615", Some(&session)).await;
        assert!(page.text.contains("list.csv"), "the last page lists the import: {}", page.text);
        assert_eq!(app.page("/my/imports/not-an-id", Some(&session)).await.status.as_u16(), 404);
    }
}

db_test! {
    async fn an_upload_keeps_its_file_name_and_refuses_what_is_not_a_form(app: TestApp) {
        let (token, session) = member(&app, "university", "tto@uni.test").await;
        let csv = [
            "title,summary,industry,ip_type,trl,price_min,price_max,region,valid_until,keywords,cooperation_modes",
            "甘蔗收割机智能控制系统一号,利用视觉识别实现甘蔗收割机自动对行与切割高度控制。,modern_agriculture,invention_patent,6,500000,800000,柳州,2030-01-01,甘蔗;收割机,transfer",
        ]
        .join("\n");

        // A `;` inside the quoted file name is part of the name, not a parameter separator.
        let (status, location, text) = upload(&app, &session, "achievements", "all_or_nothing", "成果;第一批.csv", &csv).await;
        assert_eq!(status, 303, "{text}");
        let id = location.trim_start_matches("/my/imports/").split('?').next().expect("id").to_owned();
        let import = app.get(&format!("/api/v1/imports/{id}"), Some(&token)).await;
        let import = import.assert_status(200);
        assert_eq!(import["file_name"], "成果;第一批.csv");
        assert_eq!(import["kind"], "achievements");
        assert_eq!(import["mode"], "all_or_nothing");

        // A body that is not multipart comes back as the form with the reason on top.
        let res = app.submit("/my/imports", Some(&session), &[("kind", "achievements"), ("file", "list.csv")]).await;
        assert_eq!(res.status.as_u16(), 400, "{}", res.text);
        assert!(res.text.contains("上传内容无法读取"), "{}", res.text);
        assert!(res.text.contains("enctype=\"multipart/form-data\""), "the form is shown again");
    }
}

db_test! {
    async fn notifications_are_marked_read_one_by_one_or_all_at_once(app: TestApp) {
        use sea_orm::{ActiveModelTrait, Set};
        use platform::entity::notifications;

        let (token, session) = member(&app, "enterprise", "rd@firm.test").await;
        let me = app.get("/api/v1/me", Some(&token)).await;
        let user_id: uuid::Uuid = me.assert_status(200)["user_id"].as_str().expect("user id").parse().expect("uuid");
        let mut ids = Vec::new();
        for (i, title) in ["3 条新匹配 new matches: 甘蔗收割", "匹配反馈 Feedback: 甘蔗收割"].iter().enumerate() {
            let id = uuid::Uuid::now_v7();
            notifications::ActiveModel {
                id: Set(id),
                user_id: Set(user_id),
                kind: Set(if i == 0 { "new_matches" } else { "match_feedback" }.to_owned()),
                title: Set((*title).to_owned()),
                body: Set("详情见匹配面板".to_owned()),
                link: Set(Some("/needs/00000000-0000-0000-0000-000000000000#matches".to_owned())),
                payload: Set(json!({})),
                read_at: Set(None),
                emailed_at: Set(None),
                created_at: Set((chrono::Utc::now() + chrono::Duration::seconds(i as i64)).into()),
            }
            .insert(&app.db)
            .await
            .expect("notification stored");
            ids.push(id);
        }

        let page = app.page("/notifications", Some(&session)).await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.text);
        assert!(page.text.contains("3 条新匹配 new matches: 甘蔗收割") && page.text.contains("匹配反馈 Feedback: 甘蔗收割"));
        assert!(page.text.contains("2 条未读"), "{}", page.text);
        assert!(page.text.contains("href=\"/needs/00000000-0000-0000-0000-000000000000#matches\""));

        let res = app.submit(&format!("/notifications/{}/read", ids[1]), Some(&session), &[("back", "/notifications")]).await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text);
        assert_eq!(res.location(), "/notifications?flash=updated");
        let unread = app.get("/api/v1/notifications?unread=true", Some(&token)).await;
        let unread: &Value = unread.assert_status(200);
        assert_eq!(unread.as_array().expect("list").len(), 1);
        assert_eq!(unread[0]["id"], ids[0].to_string());

        // Unread first: the older unread one now comes before the newer read one.
        let page = app.page("/notifications", Some(&session)).await;
        assert!(page.text.contains("1 条未读"));
        let first = page.text.find("3 条新匹配").expect("unread one");
        let second = page.text.find("匹配反馈 Feedback").expect("read one");
        assert!(first < second, "unread first");

        let res = app.submit("/notifications/read-all", Some(&session), &[]).await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text);
        let unread = app.get("/api/v1/notifications?unread=true", Some(&token)).await;
        assert_eq!(unread.assert_status(200).as_array().expect("list").len(), 0);
        let page = app.page("/notifications", Some(&session)).await;
        assert!(page.text.contains("0 条未读"));

        // A page number past the end shows the last page.
        let page = app.page("/notifications?page=18446744073709551615", Some(&session)).await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.text);
        assert!(page.text.contains("3 条新匹配 new matches: 甘蔗收割"), "{}", page.text);
    }
}

db_test! {
    async fn an_open_call_owner_shortlists_and_awards_an_application(app: TestApp) {
        let (enterprise, owner_session) = member(&app, "enterprise", "rd@firm.test").await;
        let (_, applicant_session) = member(&app, "university", "tto@uni.test").await;
        let operator = app.operator_token().await;
        let mut body = need_body();
        body["kind"] = json!("open_call");
        body["title"] = json!("丘陵蔗区甘蔗机收含杂率控制揭榜");
        body["bounty"] = json!({"minor_units": 100_000_000, "currency": "CNY"});
        body["eligibility"] = json!("具有甘蔗收获机械研发经验的高校或企业");
        let (call, _) = app.create_listing("needs", &enterprise, &body).await;
        app.publish_listing("needs", &call, &enterprise, &operator).await;

        // The owner cannot apply to its own call.
        let own = app.page(&format!("/open-calls/{call}/apply"), Some(&owner_session)).await;
        assert!(own.text.contains("这是本机构发布的榜单"), "{}", own.text);

        let form = app.page(&format!("/open-calls/{call}/apply"), Some(&applicant_session)).await;
        assert_eq!(form.status.as_u16(), 200, "{}", form.text);
        assert!(form.text.contains("name=\"proposal\""));
        let short = app.submit(&format!("/open-calls/{call}/apply"), Some(&applicant_session), &[("proposal", "太短")]).await;
        assert_eq!(short.status.as_u16(), 200);
        assert!(short.text.contains("id=\"e-proposal\""), "{}", short.text);
        let proposal = "采用视觉识别对行与液压仿形切割，六个月内完成样机并在丘陵蔗区试验。";
        let res = app.submit(&format!("/open-calls/{call}/apply"), Some(&applicant_session), &[("proposal", proposal), ("achievement_id", "")]).await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text);
        let applied = app.page(res.location(), Some(&applicant_session)).await;
        assert!(applied.text.contains("本机构的揭榜申请") && applied.text.contains(proposal), "{}", applied.text);

        // The owner sees the application from "my organisation" and decides on it.
        let my = app.page("/my", Some(&owner_session)).await;
        assert!(my.text.contains(&format!("/my/open-calls/{call}")) && my.text.contains("1 份揭榜申请"), "{}", my.text);
        let page = app.page(&format!("/my/open-calls/{call}"), Some(&owner_session)).await;
        assert!(page.text.contains(proposal) && page.text.contains("入围"), "{}", page.text);
        let apps = app.get(&format!("/api/v1/needs/{call}/applications"), Some(&enterprise)).await;
        let application = apps.assert_status(200)[0]["id"].as_str().expect("application id").to_owned();
        let path = format!("/my/open-calls/{call}/applications/{application}");
        let res = app.submit(&path, Some(&owner_session), &[("decision", "shortlist"), ("version", "1")]).await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text);
        let res = app.submit(&path, Some(&owner_session), &[("decision", "award"), ("version", "2")]).await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text);
        let apps = app.get(&format!("/api/v1/needs/{call}/applications"), Some(&enterprise)).await;
        assert_eq!(apps.assert_status(200)[0]["status"], "awarded");
        let page = app.page(&format!("/my/open-calls/{call}"), Some(&owner_session)).await;
        assert!(page.text.contains("已揭榜（中选）") && page.text.contains("此榜单已确定揭榜单位"), "{}", page.text);
    }
}

db_test! {
    async fn an_admin_invites_a_colleague_who_joins_with_the_link(app: TestApp) {
        let (_, admin) = member(&app, "university", "tto@uni.test").await;
        let res = app.submit("/my/members/invite", Some(&admin), &[("email", "colleague@uni.test"), ("org_role", "member")]).await;
        assert_eq!(res.status.as_u16(), 200, "{}", res.text);
        let token = invitation_code(&res.text);
        assert!(token.starts_with("inv_"), "{token}");
        // The code is shown beside the link, never inside a URL.
        assert!(res.text.contains("/join\""), "{}", res.text);
        assert!(!res.text.contains("?token="), "{}", res.text);

        // An old-style link with the code in the query is sent to the bare page, unread.
        let old_link = app.page(&format!("/join?token={token}"), None).await;
        assert_eq!(old_link.status.as_u16(), 303, "{}", old_link.text);
        assert_eq!(old_link.location(), "/join");
        let join = app.page("/join", None).await;
        assert_eq!(join.status.as_u16(), 200, "{}", join.text);
        assert!(!join.text.contains(&token), "{}", join.text);
        let bad = app.submit("/join", None, &[("token", &token), ("display_name", "新同事"), ("password", "short")]).await;
        assert_eq!(bad.status.as_u16(), 200);
        assert!(bad.text.contains("id=\"e-password\""), "{}", bad.text);
        let res = app.submit("/join", None, &[("token", &token), ("display_name", "新同事"), ("password", "colleague-password-1")]).await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text);
        assert_eq!(res.location(), "/my?flash=signed_in");

        let colleague = app.portal_login("colleague@uni.test", "colleague-password-1").await;
        let my = app.page("/my", Some(&colleague)).await;
        assert_eq!(my.status.as_u16(), 200, "{}", my.text);
        let members = app.page("/my/members", Some(&admin)).await;
        assert!(members.text.contains("colleague@uni.test") && members.text.contains("新同事"), "{}", members.text);
        // Members who are not admins see no invitation form.
        let as_member = app.page("/my/members", Some(&colleague)).await;
        assert!(!as_member.text.contains("action=\"/my/members/invite\""));
    }
}

/// The invitation code shown once on the members page after inviting.
fn invitation_code(page: &str) -> String {
    let at = page
        .find("id=\"invite-code\"")
        .expect("invitation code shown");
    let rest = &page[at..];
    let start = rest.find("value=\"").expect("value") + "value=\"".len();
    rest[start..].chars().take_while(|c| *c != '"').collect()
}

db_test! {
    async fn an_admin_revokes_an_invitation_and_removes_a_member_from_the_members_page(app: TestApp) {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let (_, admin) = member(&app, "university", "tto@uni.test").await;
        let res = app.submit("/my/members/invite", Some(&admin), &[("email", "leaver@uni.test"), ("org_role", "member")]).await;
        let leaver_code = invitation_code(&res.text);
        let res = app.submit("/my/members/invite", Some(&admin), &[("email", "never@uni.test"), ("org_role", "member")]).await;
        let never_code = invitation_code(&res.text);
        let page = app.page("/my/members", Some(&admin)).await;
        assert!(page.text.contains("data-testid=\"pending-invitations\"") && page.text.contains("never@uni.test"), "{}", page.text);

        // Revoke the second invitation from the list; its code stops working.
        let never_id = platform::entity::invitations::Entity::find()
            .filter(platform::entity::invitations::Column::Email.eq("never@uni.test"))
            .one(&app.db)
            .await
            .expect("read")
            .expect("invitation")
            .id;
        let res = app.submit(&format!("/my/members/invitations/{never_id}/revoke"), Some(&admin), &[]).await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text);
        let refused = app.submit("/join", None, &[("token", &never_code), ("display_name", "Never"), ("password", "colleague-password-1")]).await;
        assert_ne!(refused.status.as_u16(), 303, "{}", refused.text);

        // The first joins, then is removed: their portal session ends.
        let joined = app.submit("/join", None, &[("token", &leaver_code), ("display_name", "Leaver"), ("password", "colleague-password-1")]).await;
        assert_eq!(joined.status.as_u16(), 303, "{}", joined.text);
        let leaver = app.portal_login("leaver@uni.test", "colleague-password-1").await;
        assert_eq!(app.page("/my/members", Some(&leaver)).await.status.as_u16(), 200);
        let leaver_id = platform::entity::users::Entity::find()
            .filter(platform::entity::users::Column::Email.eq("leaver@uni.test"))
            .one(&app.db)
            .await
            .expect("read")
            .expect("user")
            .id;
        let page = app.page("/my/members", Some(&admin)).await;
        assert!(page.text.contains(&format!("action=\"/my/members/{leaver_id}/remove\"")), "{}", page.text);
        let res = app.submit(&format!("/my/members/{leaver_id}/remove"), Some(&admin), &[]).await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text);
        let page = app.page("/my/members", Some(&admin)).await;
        assert!(!page.text.contains("leaver@uni.test"), "{}", page.text);
        let after = app.page("/my/members", Some(&leaver)).await;
        assert_ne!(after.status.as_u16(), 200, "a removed member's session is over: {}", after.text);
    }
}
