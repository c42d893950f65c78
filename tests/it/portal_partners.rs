//! Issue 16's portal pages over HTTP, as a browser without JavaScript uses them: the console's
//! countries and training sections (operators only), the public turnover by partner group,
//! an organisation's consents to agencies (granted and withdrawn by its admin), the broker
//! directory's training hours and certificates, and a listing posted by an agency naming it.
//! In Chinese and English. The session cookie of these pages is the API token.

use integration_tests::db_test;
use integration_tests::listings::need_body;

db_test! {
    async fn operators_add_partner_countries_and_record_training_in_the_console(app: TestApp) {
        // Anonymous readers sign in first; members get the 403 page.
        for path in ["/console/countries", "/console/training"] {
            let anon = app.page(path, None).await;
            assert_eq!(anon.status.as_u16(), 303, "{path}");
            assert!(anon.location().starts_with("/login?next="), "{}", anon.location());
        }
        let (member, _) = app.sign_up("enterprise", "rd@ent.test").await;
        for path in ["/console/countries", "/console/training"] {
            assert_eq!(app.page(path, Some(&member)).await.status.as_u16(), 403, "{path}");
        }
        let post = app.submit("/console/countries", Some(&member), &[("code", "IL"), ("partner_group", "belt_and_road"), ("name_zh", "以色列"), ("name_en", "Israel")]).await;
        assert_eq!(post.status.as_u16(), 403);
        let post = app.submit("/console/training/courses", Some(&member), &[("title", "x"), ("provider", "y"), ("hours", "8")]).await;
        assert_eq!(post.status.as_u16(), 403);

        let op = app.operator_token().await;
        let zh = app.page("/console/countries?lang=zh", Some(&op)).await;
        assert_eq!(zh.status.as_u16(), 200, "{}", zh.text);
        assert!(zh.text.contains("服务的国家与合作伙伴组别"));
        assert!(zh.text.contains("data-testid=\"country-JP\""), "Japan is served by default");
        assert!(!zh.text.contains("data-testid=\"country-IL\""));
        // A refused form comes back with the API's message, nothing added.
        let bad = app.submit("/console/countries", Some(&op), &[("code", "ISR"), ("partner_group", "belt_and_road"), ("name_zh", "以色列"), ("name_en", "Israel")]).await;
        assert_eq!(bad.status.as_u16(), 200, "the form comes back: {}", bad.text);
        assert!(bad.text.contains("id=\"e-code\""), "{}", bad.text);
        let ok = app.submit("/console/countries", Some(&op), &[("code", "il"), ("partner_group", "belt_and_road"), ("name_zh", "以色列"), ("name_en", "Israel")]).await;
        assert_eq!(ok.status.as_u16(), 303, "{}", ok.text);
        assert_eq!(ok.location(), "/console/countries?flash=saved");
        let en = app.page("/console/countries?lang=en", Some(&op)).await;
        assert!(en.text.contains("Countries served and partner groups"));
        assert!(en.text.contains("data-testid=\"country-IL\""));
        assert!(en.text.contains("Belt and Road"));
        assert!(en.text.contains("Added by an operator"));

        // Training: a course, a class, a broker's hours and certificate, all from the forms.
        let broker = app.verified_broker("broker@agency.test", "示例经纪人", &op).await;
        let page = app.page("/console/training?lang=zh", Some(&op)).await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.text);
        assert!(page.text.contains("技术经理人培训"));
        assert!(page.text.contains("data-testid=\"brokers-trained\">0<"));
        let bad = app.submit("/console/training/courses", Some(&op), &[("title", "技术经理人培训（示例）"), ("provider", "示例培训机构"), ("hours", "0")]).await;
        assert_eq!(bad.status.as_u16(), 200, "the form comes back: {}", bad.text);
        assert!(bad.text.contains("id=\"form-errors\""), "{}", bad.text);
        assert!(app.get("/api/v1/brokers/training/courses", None).await.body.as_array().expect("courses").is_empty());
        let ok = app.submit("/console/training/courses", Some(&op), &[("title", "技术经理人培训（示例）"), ("provider", "示例培训机构"), ("hours", "32")]).await;
        assert_eq!(ok.status.as_u16(), 303, "{}", ok.text);
        let courses = app.get("/api/v1/brokers/training/courses", None).await;
        let course = courses.assert_status(200)[0]["id"].as_str().expect("course").to_owned();
        let ok = app.submit("/console/training/classes", Some(&op), &[("course_id", &course), ("starts_on", "2026-06-01"), ("ends_on", "2026-06-04"), ("place", "南宁")]).await;
        assert_eq!(ok.status.as_u16(), 303, "{}", ok.text);
        let classes = app.get(&format!("/api/v1/brokers/training/courses/{course}/classes"), None).await;
        let class = classes.assert_status(200)[0]["id"].as_str().expect("class").to_owned();
        let ok = app.submit("/console/training/attendance", Some(&op), &[("class_id", &class), ("broker_id", &broker.id), ("hours", "30")]).await;
        assert_eq!(ok.status.as_u16(), 303, "{}", ok.text);
        let ok = app.submit("/console/training/certificates", Some(&op), &[("broker_id", &broker.id), ("course_id", &course), ("number", "GX-PORTAL-0001"), ("issued_on", "2026-06-04"), ("issuer", "示例发证机构")]).await;
        assert_eq!(ok.status.as_u16(), 303, "{}", ok.text);
        let again = app.submit("/console/training/certificates", Some(&op), &[("broker_id", &broker.id), ("course_id", ""), ("number", "GX-PORTAL-0001"), ("issued_on", "2026-06-04"), ("issuer", "示例发证机构")]).await;
        assert_eq!(again.status.as_u16(), 200, "the form comes back: {}", again.text);
        assert!(again.text.contains("id=\"form-errors\""), "the number is taken: {}", again.text);
        let page = app.page("/console/training?lang=en", Some(&op)).await;
        assert!(page.text.contains("data-testid=\"brokers-trained\">1<"), "{}", page.text);
        assert!(page.text.contains("Broker training"));

        // The public directory shows the hours and the certificate, in every public language.
        for (lang, word) in [("zh", "培训学时"), ("en", "Training hours"), ("vi", "Số giờ đào tạo")] {
            let dir = app.page(&format!("/brokers?lang={lang}"), None).await;
            assert_eq!(dir.status.as_u16(), 200);
            assert!(dir.text.contains(word), "{lang}");
            assert!(dir.text.contains("data-testid=\"training-hours\">30<"), "{lang}: {}", dir.text);
            assert!(dir.text.contains("GX-PORTAL-0001 (示例发证机构, 2026-06-04)"));
        }
    }
}

db_test! {
    async fn a_client_grants_and_withdraws_an_agency_consent_and_the_public_reads_partner_groups(app: TestApp) {
        let (client, client_id) = app.sign_up("enterprise", "admin@client.test").await;
        let (agency, agency_id) = app.sign_up("broker_agency", "agent@agency.test").await;
        let anon = app.page("/my/agencies", None).await;
        assert_eq!(anon.status.as_u16(), 303);
        assert!(app.page("/my", Some(&client)).await.text.contains("href=\"/my/agencies\""), "the organisation page links to its consents");
        assert!(app.page("/dashboard", None).await.text.contains("href=\"/dashboard/partners\""), "the dashboard links to the partner groups");

        let page = app.page("/my/agencies?lang=zh", Some(&client)).await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.text);
        assert!(page.text.contains("代理机构授权"));
        assert!(page.text.contains("暂无授权。"));
        // A malformed agency id: the form comes back with the API's message.
        let bad = app.submit("/my/agencies", Some(&client), &[("agency_organisation_id", "not-an-id"), ("scope", "needs")]).await;
        assert_eq!(bad.status.as_u16(), 200, "the form comes back: {}", bad.text);
        assert!(bad.text.contains("id=\"form-errors\""), "{}", bad.text);
        let ok = app.submit("/my/agencies", Some(&client), &[("agency_organisation_id", &agency_id), ("scope", "needs")]).await;
        assert_eq!(ok.status.as_u16(), 303, "{}", ok.text);
        let listed = app.get(&format!("/api/v1/orgs/{client_id}/agency-consents"), Some(&client)).await;
        let consent = listed.assert_status(200)[0]["id"].as_str().expect("consent").to_owned();
        let page = app.page("/my/agencies?lang=en", Some(&client)).await;
        assert!(page.text.contains(&format!("data-testid=\"consent-{consent}\"")));
        assert!(page.text.contains("Active"));
        assert!(page.text.contains(&format!("/my/agencies/{consent}/withdraw")), "the client's admin may withdraw");
        // The agency sees the consent but no withdraw button.
        let seen = app.page("/my/agencies?lang=en", Some(&agency)).await;
        assert!(seen.text.contains(&format!("data-testid=\"consent-{consent}\"")));
        assert!(!seen.text.contains(&format!("/my/agencies/{consent}/withdraw")));

        // The agency posts a need for the client from the form its consent links to; the
        // listing is the client's, and its page names the agency.
        assert!(seen.text.contains(&format!("href=\"/needs/new?for_client={client_id}\"")), "{}", seen.text);
        let form = app.page(&format!("/needs/new?for_client={client_id}&lang=en"), Some(&agency)).await;
        assert_eq!(form.status.as_u16(), 200, "{}", form.text);
        assert!(form.text.contains("data-testid=\"for-client\""));
        assert!(form.text.contains(&format!("name=\"for_client\" value=\"{client_id}\"")));
        let in_days = |d: i64| (chrono::Utc::now().date_naive() + chrono::Duration::days(d)).to_string();
        let (deadline, valid_until) = (in_days(60), in_days(120));
        let fields = [
            ("for_client", client_id.as_str()), ("kind", "need"), ("language", "zh"),
            ("title", "代客户发布的甘蔗机收含杂率控制需求"), ("summary", "寻求降低甘蔗机收含杂率的切割与清选技术，适用于丘陵蔗区。"),
            ("industry", "modern_agriculture"), ("keywords", "甘蔗, 收割机"), ("min_trl", "5"),
            ("budget_min", "40"), ("budget_max", "90"), ("currency", "CNY"),
            ("deadline", deadline.as_str()), ("valid_until", valid_until.as_str()),
        ];
        let posted = app.submit("/needs/new", Some(&agency), &fields).await;
        assert_eq!(posted.status.as_u16(), 303, "{}", posted.text);
        let need = posted.location().strip_prefix("/needs/").and_then(|r| r.split('/').next()).expect("need id").to_owned();
        let stored = app.get(&format!("/api/v1/needs/{need}"), Some(&client)).await;
        let stored = stored.assert_status(200);
        assert_eq!(stored["organisation_id"], client_id.as_str());
        assert_eq!(stored["posted_by_organisation_id"], agency_id.as_str());
        let shown = app.page(&format!("/needs/{need}?lang=en"), Some(&client)).await;
        assert_eq!(shown.status.as_u16(), 200, "{}", shown.text);
        assert!(shown.text.contains("data-testid=\"posted-by-agency\""), "{}", shown.text);
        assert!(shown.text.contains("Posted for the owner by a broker agency"), "an agency not yet verified is not named");
        // Once the agency is verified, its name shows.
        let op = app.operator_token().await;
        app.post(&format!("/api/v1/orgs/{agency_id}/verification"), Some(&op), &serde_json::json!({"decision": "verified", "version": 1}))
            .await.assert_status(200);
        let shown = app.page(&format!("/needs/{need}?lang=en"), Some(&client)).await;
        let name = app.get(&format!("/api/v1/orgs/{agency_id}"), None).await.body["name"].as_str().expect("name").to_owned();
        assert!(shown.text.contains(&format!("Posted for the owner by {name}")), "{}", shown.text);

        // Withdrawn from the page: the agency is refused again.
        let gone = app.submit(&format!("/my/agencies/{consent}/withdraw"), Some(&agency), &[]).await;
        // The agency's page speaks for its own organisation, which is not this consent's client.
        assert_eq!(gone.status.as_u16(), 404, "only the client withdraws");
        let gone = app.submit(&format!("/my/agencies/{consent}/withdraw"), Some(&client), &[]).await;
        assert_eq!(gone.status.as_u16(), 303, "{}", gone.text);
        let page = app.page("/my/agencies?lang=zh", Some(&client)).await;
        assert!(page.text.contains("已撤回"));
        app.post(&format!("/api/v1/needs?for_client={client_id}"), Some(&agency), &need_body()).await.assert_problem(403, "forbidden");
        // The form is refused too, and nothing is created.
        let before = app.get("/api/v1/needs?mine=true", Some(&client)).await.assert_status(200)["total"].clone();
        let refused = app.submit("/needs/new", Some(&agency), &fields).await;
        assert_eq!(refused.status.as_u16(), 403, "{}", refused.text);
        assert_eq!(app.get("/api/v1/needs?mine=true", Some(&client)).await.assert_status(200)["total"], before);

        // The partner groups page is public, in both languages.
        for (lang, heading, group) in [("zh", "按合作伙伴组别的技术合同成交额", "其他RCEP成员"), ("en", "Turnover by partner group", "Belt and Road")] {
            let res = app.page(&format!("/dashboard/partners?lang={lang}"), None).await;
            assert_eq!(res.status.as_u16(), 200, "{}", res.text);
            assert!(res.text.contains(heading), "{lang}");
            assert!(res.text.contains(group), "{lang}");
            assert!(res.text.contains("data-testid=\"group-rcep\""));
        }
    }
}
