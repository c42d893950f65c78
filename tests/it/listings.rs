//! Achievements and needs through their whole life, with the authorisation matrix, validation
//! rules, versions, translations and search.

use integration_tests::db_test;
use integration_tests::deals::days_ago;
use integration_tests::listings::{achievement_body, need_body};
use serde_json::json;

db_test! {
    async fn an_achievement_goes_from_draft_to_published_to_withdrawn(app: TestApp) {
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let op = app.operator_token().await;
        let (id, v) = app.create_listing("achievements", &uni, &achievement_body()).await;
        assert_eq!(v, 1);
        let path = format!("/api/v1/achievements/{id}");
        assert_eq!(app.get(&path, Some(&uni)).await.assert_status(200)["status"], "draft");
        // Anonymous readers do not see drafts.
        app.get(&path, None).await.assert_problem(404, "not_found");

        let s = app.post(&format!("{path}/submit"), Some(&uni), &json!({"version": 1})).await;
        assert_eq!(s.assert_status(200)["status"], "submitted");
        // Reviewing needs an operator.
        app.post(&format!("{path}/review"), Some(&uni), &json!({"decision": "publish", "version": 2}))
            .await
            .assert_problem(403, "forbidden");
        let p = app.post(&format!("{path}/review"), Some(&op), &json!({"decision": "publish", "version": 2})).await;
        assert_eq!(p.assert_status(200)["status"], "published");
        app.run_jobs().await;
        let public = app.get(&path, None).await;
        let public = public.assert_status(200);
        assert_eq!(public["status"], "published");
        assert!(public["contact_email"].is_null(), "contact details are for signed-in users");
        let found = app.get("/api/v1/search?q=甘蔗收割机", None).await;
        assert_eq!(found.assert_status(200)["total"], 1, "{}", found.text);

        let w = app.post(&format!("{path}/withdraw"), Some(&uni), &json!({"version": 3})).await;
        assert_eq!(w.assert_status(200)["status"], "withdrawn");
        app.run_jobs().await;
        app.get(&path, None).await.assert_problem(404, "not_found");
        let gone = app.get("/api/v1/search?q=甘蔗收割机", None).await;
        assert_eq!(gone.assert_status(200)["total"], 0, "withdrawn listings leave search");
    }
}

db_test! {
    async fn a_rejection_goes_back_to_the_owner_with_its_reason(app: TestApp) {
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let op = app.operator_token().await;
        let (id, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let path = format!("/api/v1/achievements/{id}");
        app.post(&format!("{path}/submit"), Some(&uni), &json!({"version": 1})).await.assert_status(200);
        app.post(&format!("{path}/review"), Some(&op), &json!({"decision": "reject", "version": 2}))
            .await
            .assert_problem(422, "validation_failed");
        let r = app.post(&format!("{path}/review"), Some(&op), &json!({"decision": "reject", "reason": "专利号与权利人不符", "version": 2})).await;
        assert_eq!(r.assert_status(200)["status"], "rejected");
        // Editing a rejected listing sends it back to draft; it can be resubmitted.
        let e = app.request(reqwest::Method::PATCH, &path, Some(&uni), Some(&json!({"version": 3, "ip_numbers": ["ZL202310123457.X"]}))).await;
        assert_eq!(e.assert_status(200)["status"], "draft");
        app.post(&format!("{path}/submit"), Some(&uni), &json!({"version": 4})).await.assert_status(200);
        let queue = app.get("/api/v1/reviews", Some(&op)).await;
        assert_eq!(queue.assert_status(200).as_array().map(Vec::len), Some(1));
        app.get("/api/v1/reviews", Some(&uni)).await.assert_problem(403, "forbidden");
    }
}

db_test! {
    async fn other_organisations_cannot_read_drafts_or_change_listings(app: TestApp) {
        let (a, _) = app.sign_up("university", "a@uni.test").await;
        let (b, _) = app.sign_up("enterprise", "b@firm.test").await;
        let op = app.operator_token().await;
        let (draft, _) = app.create_listing("achievements", &a, &achievement_body()).await;
        let (published, _) = app.create_listing("achievements", &a, &achievement_body()).await;
        app.publish_listing("achievements", &published, &a, &op).await;

        // B cannot see A's draft at all.
        app.get(&format!("/api/v1/achievements/{draft}"), Some(&b)).await.assert_problem(404, "not_found");
        app.request(reqwest::Method::PATCH, &format!("/api/v1/achievements/{draft}"), Some(&b), Some(&json!({"version": 1, "title": "劫持的标题示例"})))
            .await
            .assert_problem(404, "not_found");
        // B sees A's published listing but may not edit, withdraw or review it.
        app.get(&format!("/api/v1/achievements/{published}"), Some(&b)).await.assert_status(200);
        app.request(reqwest::Method::PATCH, &format!("/api/v1/achievements/{published}"), Some(&b), Some(&json!({"version": 3, "title": "劫持的标题示例"})))
            .await
            .assert_problem(403, "forbidden");
        app.post(&format!("/api/v1/achievements/{published}/withdraw"), Some(&b), &json!({"version": 3}))
            .await
            .assert_problem(403, "forbidden");
        app.post(&format!("/api/v1/achievements/{published}/review"), Some(&b), &json!({"decision": "reject", "reason": "x", "version": 3}))
            .await
            .assert_problem(403, "forbidden");
        // Anonymous callers: published yes, drafts no, writes 401.
        app.get(&format!("/api/v1/achievements/{published}"), None).await.assert_status(200);
        app.post("/api/v1/achievements", None, &achievement_body()).await.assert_problem(401, "unauthorized");
        // A's own list shows both; the public list only the published one.
        let mine = app.get("/api/v1/achievements?mine=true", Some(&a)).await;
        assert_eq!(mine.assert_status(200)["total"], 2);
        let public = app.get("/api/v1/achievements", None).await;
        assert_eq!(public.assert_status(200)["total"], 1);
        app.get("/api/v1/achievements?status=draft", None).await.assert_problem(403, "forbidden");
        // Nothing changed.
        let title = app.get(&format!("/api/v1/achievements/{published}"), None).await;
        assert_ne!(title.body["title"], "劫持的标题示例");
    }
}

db_test! {
    async fn each_validation_rule_is_a_422_naming_its_field(app: TestApp) {
        let (uni, _) = app.sign_up("university", "a@uni.test").await;
        let cases: Vec<(&str, serde_json::Value, &str)> = vec![
            ("trl", json!(10), "trl"),
            ("trl", json!(0), "trl"),
            ("ipc_codes", json!(["A01D 45"]), "ipc_codes[0]"),
            ("ipc_codes", json!(["Z99Z"]), "ipc_codes[0]"),
            ("price", json!({"min_minor": 100, "max_minor": 10, "currency": "CNY"}), "price.min_minor"),
            ("price", json!({"min_minor": 100, "currency": "XYZ"}), "price.currency"),
            ("valid_until", json!("2020-01-01"), "valid_until"),
            ("title", json!("短"), "title"),
            ("title", json!("长".repeat(201)), "title"),
            ("summary", json!("太短"), "summary"),
            ("industry", json!("astrology"), "industry"),
            ("ip_type", json!("trade_secret_maybe"), "ip_type"),
            ("language", json!("xx"), "language"),
            ("region_code", json!("999999"), "region_code"),
        ];
        for (field, value, path) in cases {
            let mut body = achievement_body();
            body[field] = value.clone();
            let res = app.post("/api/v1/achievements", Some(&uni), &body).await;
            res.assert_problem(422, "validation_failed");
            let paths: Vec<&str> = res.body["fields"].as_array().expect("fields").iter().filter_map(|f| f["path"].as_str()).collect();
            assert!(paths.contains(&path), "{field}={value}: expected {path} in {paths:?}");
        }
        let listed = app.get("/api/v1/achievements?mine=true", Some(&uni)).await;
        assert_eq!(listed.assert_status(200)["total"], 0, "refused bodies write nothing");
    }
}

db_test! {
    async fn a_stale_update_is_409_and_overwrites_nothing(app: TestApp) {
        let (uni, _) = app.sign_up("university", "a@uni.test").await;
        let (id, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let path = format!("/api/v1/achievements/{id}");
        let first = app.request(reqwest::Method::PATCH, &path, Some(&uni), Some(&json!({"version": 1, "title": "第一次修改后的标题"}))).await;
        assert_eq!(first.assert_status(200)["version"], 2);
        let stale = app.request(reqwest::Method::PATCH, &path, Some(&uni), Some(&json!({"version": 1, "title": "基于旧版本的修改"}))).await;
        stale.assert_problem(409, "stale_version");
        let now = app.get(&path, Some(&uni)).await;
        assert_eq!(now.assert_status(200)["title"], "第一次修改后的标题");
        assert_eq!(now.body["version"], 2);
        let missing = app.request(reqwest::Method::PATCH, &path, Some(&uni), Some(&json!({"title": "没有版本号"}))).await;
        missing.assert_problem(422, "validation_failed");
    }
}

db_test! {
    async fn readers_get_their_language_with_the_original_linked(app: TestApp) {
        let (uni, _) = app.sign_up("university", "a@uni.test").await;
        let op = app.operator_token().await;
        let (id, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let t = app.request(reqwest::Method::PUT, &format!("/api/v1/achievements/{id}/translations/en"), Some(&uni), Some(&json!({
            "title": "Deep-learning control system for sugarcane harvesters",
            "summary": "Vision-based row following and cutting-height control that lowers trash content.",
            "keywords": ["sugarcane harvester", "deep learning"],
            "provenance": "machine"
        }))).await;
        t.assert_status(200);
        app.publish_listing("achievements", &id, &uni, &op).await;
        let path = format!("/api/v1/achievements/{id}");
        let en = app.request(reqwest::Method::GET, &path, None, None).await;
        assert_eq!(en.body["language"], "zh", "no preference: the original");
        let client = reqwest::Client::new();
        let res = client.get(format!("{}{path}", app.base_url)).header("accept-language", "en-US,en;q=0.9,zh;q=0.5").send().await.expect("get");
        assert_eq!(res.headers().get("content-language").and_then(|v| v.to_str().ok()), Some("en"));
        let body: serde_json::Value = res.json().await.expect("json");
        assert_eq!(body["title"], "Deep-learning control system for sugarcane harvesters");
        assert_eq!(body["provenance"], "machine");
        assert_eq!(body["original"]["language"], "zh");
        assert_eq!(body["original"]["title"], "基于深度学习的甘蔗收割机智能控制系统");
        // A language with no translation falls back to the original.
        let th = app.get(&format!("{path}?lang=th"), None).await;
        assert_eq!(th.body["language"], "zh");
        // The Chinese listing is found through its English translation.
        let found = app.get("/api/v1/search?q=sugarcane%20harvester", None).await;
        let found = found.assert_status(200);
        assert_eq!(found["total"], 1, "{found}");
        assert_eq!(found["hits"][0]["matched_language"], "en");
    }
}

db_test! {
    async fn search_filters_and_facets_are_exact(app: TestApp) {
        let (uni, _) = app.sign_up("university", "a@uni.test").await;
        let (firm, _) = app.sign_up("enterprise", "b@firm.test").await;
        let op = app.operator_token().await;
        let (a1, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let mut other = achievement_body();
        other["title"] = json!("纳米碳酸钙表面改性工艺");
        other["summary"] = json!("采用硬脂酸湿法改性制备高分散纳米碳酸钙，用于塑料与橡胶填充。");
        other["keywords"] = json!(["纳米碳酸钙", "表面改性"]);
        other["industry"] = json!("calcium_carbonate");
        other["ipc_codes"] = json!(["C01F 11/18"]);
        other["trl"] = json!(8);
        other["region_code"] = json!("451100");
        other["cross_border"] = json!(false);
        other["price"] = json!({"min_minor": 100_000_000, "max_minor": 200_000_000, "currency": "CNY"});
        let (a2, _) = app.create_listing("achievements", &uni, &other).await;
        let (n1, _) = app.create_listing("needs", &firm, &need_body()).await;
        for (kind, id, owner) in [("achievements", &a1, &uni), ("achievements", &a2, &uni), ("needs", &n1, &firm)] {
            app.publish_listing(kind, id, owner, &op).await;
        }
        let all = app.get("/api/v1/search", None).await;
        let all = all.assert_status(200);
        assert_eq!(all["total"], 3);
        assert_eq!(all["facets"]["kind"]["achievement"], 2);
        assert_eq!(all["facets"]["kind"]["need"], 1);
        assert_eq!(all["facets"]["industry"]["modern_agriculture"], 2);
        assert_eq!(all["facets"]["industry"]["calcium_carbonate"], 1);
        let ids = |res: &serde_json::Value| -> Vec<String> {
            let mut v: Vec<String> = res["hits"].as_array().expect("hits").iter().map(|h| h["id"].as_str().expect("id").to_owned()).collect();
            v.sort();
            v
        };
        let by_kind = app.get("/api/v1/search?kind=need", None).await;
        assert_eq!(ids(by_kind.assert_status(200)), vec![n1.clone()]);
        let by_trl = app.get("/api/v1/search?kind=achievement&trl_min=7", None).await;
        assert_eq!(ids(by_trl.assert_status(200)), vec![a2.clone()]);
        let by_region = app.get("/api/v1/search?region=451100", None).await;
        assert_eq!(ids(by_region.assert_status(200)), vec![a2.clone()]);
        let province = app.get("/api/v1/search?region=450000", None).await;
        assert_eq!(province.assert_status(200)["total"], 3);
        let cross = app.get("/api/v1/search?kind=achievement&cross_border=true", None).await;
        assert_eq!(ids(cross.assert_status(200)), vec![a1.clone()]);
        let ipc = app.get("/api/v1/search?ipc=C01F", None).await;
        assert_eq!(ids(ipc.assert_status(200)), vec![a2.clone()]);
        // Price overlap: 60–70 万元 overlaps a1 (50–80 万) and n1's budget (40–90 万), not a2.
        let mut expected = vec![a1.clone(), n1.clone(), a2.clone()];
        expected.retain(|x| x != &a2);
        expected.sort();
        let price = app.get("/api/v1/search?price_min=60000000&price_max=70000000", None).await;
        assert_eq!(ids(price.assert_status(200)), expected);
        let text = app.get("/api/v1/search?q=碳酸钙&industry=calcium_carbonate", None).await;
        let text = text.assert_status(200);
        assert_eq!(ids(text), vec![a2.clone()]);
        assert!(text["hits"][0]["highlights"]["title"].as_str().unwrap_or("").contains("<mark>"), "{text}");
        app.get("/api/v1/search?trl_min=12", None).await.assert_problem(422, "validation_failed");
        app.get("/api/v1/search?industry=astrology", None).await.assert_problem(422, "validation_failed");
        app.get("/api/v1/search?colour=blue", None).await.assert_problem(400, "bad_request");
    }
}

db_test! {
    async fn an_open_call_takes_applications_and_awards_one(app: TestApp) {
        let (firm, _) = app.sign_up("enterprise", "boss@firm.test").await;
        let (uni, uni_org) = app.sign_up("university", "tto@uni.test").await;
        let (inst, _) = app.sign_up("institute", "lab@inst.test").await;
        let op = app.operator_token().await;
        let mut body = need_body();
        body["kind"] = json!("open_call");
        let missing = app.post("/api/v1/needs", Some(&firm), &body).await;
        missing.assert_problem(422, "validation_failed");
        body["bounty"] = json!({"minor_units": 200_000_000, "currency": "CNY"});
        body["eligibility"] = json!("具有甘蔗机械研发经验的高校、科研院所或企业");
        let (id, _) = app.create_listing("needs", &firm, &body).await;
        app.publish_listing("needs", &id, &firm, &op).await;
        let calls = app.get("/api/v1/open-calls", None).await;
        assert_eq!(calls.assert_status(200)["total"], 1);

        let apps = format!("/api/v1/needs/{id}/applications");
        let proposal = json!({"proposal": "我们的团队拥有甘蔗收割机视觉控制的授权专利，可在六个月内完成样机。"});
        let a = app.post(&apps, Some(&uni), &proposal).await;
        let a = a.assert_status(201).clone();
        app.post(&apps, Some(&inst), &proposal).await.assert_status(201);
        app.post(&apps, Some(&uni), &proposal).await.assert_problem(409, "already_applied");
        app.post(&apps, Some(&firm), &proposal).await.assert_problem(403, "forbidden");
        // Applicants see their own application only; the owner sees all.
        assert_eq!(app.get(&apps, Some(&uni)).await.assert_status(200).as_array().map(Vec::len), Some(1));
        assert_eq!(app.get(&apps, Some(&firm)).await.assert_status(200).as_array().map(Vec::len), Some(2));
        let decide = format!("{apps}/{}/decision", a["id"].as_str().expect("id"));
        app.post(&decide, Some(&uni), &json!({"decision": "award", "version": 1})).await.assert_problem(403, "forbidden");
        let awarded = app.post(&decide, Some(&firm), &json!({"decision": "award", "version": 1})).await;
        assert_eq!(awarded.assert_status(200)["status"], "awarded");
        let need = app.get(&format!("/api/v1/needs/{id}"), Some(&firm)).await;
        assert_eq!(need.body["status"], "closed");
        assert_eq!(need.body["awarded_application_id"], a["id"]);
        let all = app.get(&apps, Some(&firm)).await;
        let statuses: Vec<&str> = all.body.as_array().expect("list").iter().filter_map(|x| x["status"].as_str()).collect();
        assert!(statuses.contains(&"awarded") && statuses.contains(&"not_selected"), "{statuses:?}");
        assert_eq!(a["organisation_id"], uni_org.as_str());
    }
}

db_test! {
    async fn expired_listings_leave_search_and_owners_are_reminded_before(app: TestApp) {
        use sea_orm::{ActiveModelTrait, EntityTrait, Set};
        let (uni, _) = app.sign_up("university", "a@uni.test").await;
        let op = app.operator_token().await;
        let (soon, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let (past, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        app.publish_listing("achievements", &soon, &uni, &op).await;
        app.publish_listing("achievements", &past, &uni, &op).await;
        let today = chrono::Utc::now().date_naive();
        for (id, days) in [(&soon, 5), (&past, -1)] {
            let m = platform::entity::achievements::Entity::find_by_id(uuid::Uuid::parse_str(id).expect("uuid")).one(&app.db).await.expect("read").expect("row");
            let mut a: platform::entity::achievements::ActiveModel = m.into();
            a.valid_until = Set(Some(today + chrono::Duration::days(days)));
            a.update(&app.db).await.expect("backdate");
        }
        let sweep = listing::domain::lifecycle::sweep_expiry(&app.db, today).await.expect("sweep");
        assert_eq!((sweep.expired, sweep.reminded), (1, 1));
        let again = listing::domain::lifecycle::sweep_expiry(&app.db, today).await.expect("sweep");
        assert_eq!((again.expired, again.reminded), (0, 0), "the sweep is idempotent");
        app.run_jobs().await;
        assert_eq!(app.get(&format!("/api/v1/achievements/{past}"), Some(&uni)).await.body["status"], "expired");
        let search = app.get("/api/v1/search?q=甘蔗收割机", None).await;
        assert_eq!(search.assert_status(200)["total"], 1, "only the unexpired one is searchable");
        // The owner renews the expired one: it is published and searchable again.
        let v = app.get(&format!("/api/v1/achievements/{past}"), Some(&uni)).await.body["version"].as_i64().expect("v");
        let until = (today + chrono::Duration::days(90)).to_string();
        let r = app.post(&format!("/api/v1/achievements/{past}/renew"), Some(&uni), &json!({"version": v, "valid_until": until})).await;
        assert_eq!(r.assert_status(200)["status"], "published");
        app.run_jobs().await;
        assert_eq!(app.get("/api/v1/search?q=甘蔗收割机", None).await.body["total"], 2);
    }
}

db_test! {
    async fn search_segments_chinese_thai_and_vietnamese(app: TestApp) {
        let op = app.operator_token().await;
        let (uni, _) = app.sign_up("university", "a@uni.test").await;
        let (th, _) = app.sign_up_asean("enterprise", "TH", "p@th.test").await;
        let (vn, _) = app.sign_up_asean("enterprise", "VN", "p@vn.test").await;
        let mut zh = achievement_body();
        zh["title"] = json!("新型桑蚕品种选育与配套养殖技术");
        zh["summary"] = json!("通过分子标记辅助育种获得抗病高产的家蚕新品种，并建立省力化小蚕共育体系。");
        zh["keywords"] = json!(["家蚕"]);
        let (zh_id, _) = app.create_listing("achievements", &uni, &zh).await;
        let mut thai = achievement_body();
        thai["language"] = json!("th");
        thai["title"] = json!("เทคโนโลยีการแปรรูปแป้งมันสำปะหลัง");
        thai["summary"] = json!("กระบวนการผลิตแป้งมันสำปะหลังที่ประหยัดน้ำและพลังงานสำหรับโรงงานขนาดกลาง");
        thai["keywords"] = json!([]);
        thai.as_object_mut().expect("object").remove("region_code");
        thai["price"] = json!({"min_minor": 100_000_000, "max_minor": 200_000_000, "currency": "THB"});
        let (th_id, _) = app.create_listing("achievements", &th, &thai).await;
        let mut viet = need_body();
        viet["language"] = json!("vi");
        viet["title"] = json!("Công nghệ sấy khô sầu riêng giữ nguyên hương vị");
        viet["summary"] = json!("Doanh nghiệp cần công nghệ sấy lạnh sầu riêng để xuất khẩu, giữ màu sắc và mùi vị tự nhiên.");
        viet["keywords"] = json!([]);
        viet.as_object_mut().expect("object").remove("region_code");
        viet["budget"] = json!({"min_minor": 500_000_000, "currency": "VND"});
        let (vn_id, _) = app.create_listing("needs", &vn, &viet).await;
        app.publish_listing("achievements", &zh_id, &uni, &op).await;
        app.publish_listing("achievements", &th_id, &th, &op).await;
        app.publish_listing("needs", &vn_id, &vn, &op).await;

        let find = |q: &'static str| {
            let app = &app;
            async move {
                let res = app.get(&format!("/api/v1/search?q={}", urlencode(q)), None).await;
                let body = res.assert_status(200).clone();
                body["hits"].as_array().expect("hits").iter().map(|h| h["id"].as_str().expect("id").to_owned()).collect::<Vec<_>>()
            }
        };
        // Words inside the Chinese text, not at its start.
        assert_eq!(find("分子标记").await, vec![zh_id.clone()]);
        assert_eq!(find("抗病").await, vec![zh_id.clone()]);
        assert_eq!(find("แป้งมันสำปะหลัง").await, vec![th_id.clone()]);
        assert_eq!(find("พลังงาน").await, vec![th_id.clone()]);
        assert_eq!(find("sầu riêng").await, vec![vn_id.clone()]);
        assert_eq!(find("sấy lạnh").await, vec![vn_id.clone()]);
        // Language facet and filter.
        let by_lang = app.get("/api/v1/search?language=th", None).await;
        assert_eq!(by_lang.assert_status(200)["total"], 1);
        let facets = app.get("/api/v1/search", None).await;
        let facets = facets.assert_status(200);
        assert_eq!(facets["facets"]["language"]["zh"], 1, "{facets}");
        assert_eq!(facets["facets"]["country"]["TH"], 1, "{facets}");
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

db_test! {
    async fn a_foreign_price_is_searched_in_cny_only_at_a_rate_from_the_last_week(app: TestApp) {
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let op = app.operator_token().await;
        let in_thb = |title: &str| {
            let mut body = achievement_body();
            body["title"] = json!(title);
            // 2.5–4 million THB: 50–80 万元 at 0.2 CNY per baht.
            body["price"] = json!({"min_minor": 250_000_000, "max_minor": 400_000_000, "currency": "THB"});
            body
        };
        let in_range = "/api/v1/search?kind=achievement&price_min=60000000&price_max=70000000";

        // A month-old rate is stale: the price is left out of CNY comparisons, not compared at
        // an old value (nor as zero).
        app.fx_rate(&op, "THB", days_ago(30), "0.2").await;
        let (stale, _) = app.create_listing("achievements", &uni, &in_thb("甘蔗收割机智能控制系统（泰铢报价，旧汇率）")).await;
        app.publish_listing("achievements", &stale, &uni, &op).await;
        assert_eq!(app.get(in_range, None).await.assert_status(200)["total"], 0);

        // A rate from this week converts it.
        app.fx_rate(&op, "THB", days_ago(3), "0.2").await;
        let (fresh, _) = app.create_listing("achievements", &uni, &in_thb("甘蔗收割机智能控制系统（泰铢报价，本周汇率）")).await;
        app.publish_listing("achievements", &fresh, &uni, &op).await;
        let found = app.get(in_range, None).await;
        let found = found.assert_status(200);
        assert_eq!(found["total"], 1, "{found}");
        assert_eq!(found["hits"][0]["id"], fresh.as_str());
    }
}
