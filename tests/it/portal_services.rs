//! Issue 16's remaining portal pages over HTTP, as a browser without JavaScript uses them: a
//! provider edits and withdraws its service from the service's page (others get no form and a
//! refusal), both sides of an order attach and download documents on the order's page, and the
//! buyer of a signed contract pays part of it with a voucher on the contract's page while the
//! seller claims it there. In Chinese and English. The session cookie is the API token.

use integration_tests::db_test;
use integration_tests::deals::{contract_body, days_ago};
use integration_tests::TestApp;
use serde_json::json;

/// Uploads a file through an order page's form as a browser does (multipart); the status and
/// where it redirects.
async fn upload(
    app: &TestApp,
    session: &str,
    order: &str,
    kind: &str,
    data: &[u8],
) -> (u16, String) {
    let boundary = "----portal-services-boundary";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n")
            .into_bytes();
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"检测报告.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes());
    body.extend_from_slice(data);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = client
        .post(format!("{}/orders/{order}/documents", app.base_url))
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
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (res.status().as_u16(), location)
}

db_test! {
    async fn portal_services_are_edited_and_withdrawn_orders_carry_documents_and_contracts_take_vouchers(app: TestApp) {
        let provider = app.org_in("institute", "lab@base.test", "450200", false).await;
        let ent = app.org_in("enterprise", "rd@sugar.test", "450100", false).await;
        let uni = app.org_in("university", "tto@uni.test", "450100", false).await;
        let op = app.operator_token().await;
        let service = app.post("/api/v1/services", Some(&provider.token), &json!({
            "kind": "testing", "title": "蔗渣检测", "description": "CMA 检测", "industry_codes": ["modern_agriculture"],
            "lead_time_days": 10, "price_min_minor": 100_000, "price_max_minor": 500_000, "currency": "CNY", "region_code": "450200"
        })).await;
        let service = service.assert_status(201)["id"].as_str().expect("service").to_owned();
        let service_page = format!("/services/{service}");

        // The provider's page offers editing and withdrawing; the requester's does not.
        let mine = app.page(&format!("{service_page}?lang=zh"), Some(&provider.token)).await;
        assert_eq!(mine.status.as_u16(), 200, "{}", mine.text);
        assert!(mine.text.contains("data-testid=\"edit-service-form\"") && mine.text.contains("修改服务") && mine.text.contains("value=\"1000.00\""), "{}", mine.text);
        let theirs = app.page(&service_page, Some(&ent.token)).await;
        assert!(!theirs.text.contains("edit-service-form") && theirs.text.contains("data-testid=\"order-form\""));
        let fields = |title: &'static str, version: &'static str| vec![("version", version), ("title", title), ("description", "CMA 检测，出具报告"), ("capacity", "每周 20 份"), ("lead_time_days", "12"), ("price_min", "1200.00"), ("price_max", "5000"), ("accreditation", "CMA")];
        let refused = app.submit(&format!("{service_page}/edit"), Some(&ent.token), &fields("偷改", "1")).await;
        assert_eq!(refused.status.as_u16(), 403, "{}", refused.text);
        let ok = app.submit(&format!("{service_page}/edit"), Some(&provider.token), &fields("蔗渣成分检测", "1")).await;
        assert_eq!((ok.status.as_u16(), ok.location()), (303, format!("{service_page}?flash=saved").as_str()));
        let now = app.get(&format!("/api/v1{service_page}"), None).await.assert_status(200).clone();
        assert_eq!((now["title"].as_str(), now["price_min_minor"].as_i64(), now["lead_time_days"].as_i64()), (Some("蔗渣成分检测"), Some(120_000), Some(12)));

        // An order's documents: the provider attaches a report, the requester downloads it.
        let order = app.post("/api/v1/service-orders", Some(&ent.token), &json!({"service_id": service, "description": "样品 20 份"})).await;
        let order = order.assert_status(201)["id"].as_str().expect("order").to_owned();
        let report = b"%PDF-1.7\n% a sample test report\n".to_vec();
        let (status, location) = upload(&app, &provider.token, &order, "test_report", &report).await;
        assert_eq!((status, location.as_str()), (303, format!("/orders/{order}?flash=saved#documents").as_str()));
        let (status, location) = upload(&app, &provider.token, &order, "test_report", b"not a document").await;
        assert_eq!((status, location.as_str()), (303, format!("/orders/{order}?doc_error=unsupported#documents").as_str()));
        let page = app.page(&format!("/orders/{order}?lang=en"), Some(&ent.token)).await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.text);
        assert!(page.text.contains("Order documents") && page.text.contains("Test report") && page.text.contains("检测报告.pdf"), "{}", page.text);
        let docs = app.get(&format!("/api/v1/service-orders/{order}/documents"), Some(&ent.token)).await.assert_status(200).clone();
        let doc = docs["items"][0]["id"].as_str().expect("document").to_owned();
        let href = format!("/orders/{order}/documents/{doc}");
        assert!(page.text.contains(&href));
        let got = app.page(&href, Some(&ent.token)).await;
        assert_eq!((got.status.as_u16(), got.text.as_bytes() == report.as_slice()), (200, true));
        let stranger = app.org_in("enterprise", "nosy@other.test", "450300", false).await;
        assert_eq!(app.page(&href, Some(&stranger.token)).await.status.as_u16(), 404);

        // Withdrawn from the page: it says so, and offers no order form any more.
        let ok = app.submit(&format!("{service_page}/withdraw"), Some(&provider.token), &[("version", "2")]).await;
        assert_eq!((ok.status.as_u16(), ok.location()), (303, format!("{service_page}?flash=withdrawn").as_str()));
        let gone = app.page(&format!("{service_page}?lang=zh"), Some(&ent.token)).await;
        assert!(gone.text.contains("data-testid=\"service-withdrawn\"") && !gone.text.contains("data-testid=\"order-form\""), "{}", gone.text);

        // A contract the enterprise buys: it pays part with a voucher; the seller claims it.
        let mut programme = json!({
            "name": "合同创新券", "issuer": "科技厅", "budget_minor": 1_000_000, "currency": "CNY",
            "eligible_org_kinds": ["enterprise"], "eligible_service_kinds": ["testing"], "face_value_minor": 40_000,
            "valid_from": days_ago(1), "valid_until": days_ago(-30), "cross_region": false, "home_region": "450000"
        });
        let orders_only = app.post("/api/v1/voucher-programmes", Some(&op), &programme).await;
        let orders_only = orders_only.assert_status(201)["id"].as_str().expect("programme").to_owned();
        programme["pays_contracts"] = json!(true);
        let pays = app.post("/api/v1/voucher-programmes", Some(&op), &programme).await;
        let pays = pays.assert_status(201)["id"].as_str().expect("programme").to_owned();
        let mut vouchers = Vec::new();
        for p in [&orders_only, &pays] {
            let v = app.post(&format!("/api/v1/voucher-programmes/{p}/applications"), Some(&ent.token), &json!({"purpose": "许可费"})).await;
            let v = v.assert_status(201)["id"].as_str().expect("voucher").to_owned();
            app.post(&format!("/api/v1/vouchers/{v}/decision"), Some(&op), &json!({"approve": true, "version": 1})).await.assert_status(200);
            vouchers.push(v);
        }
        let body = contract_body(&uni.id, &ent.id, days_ago(2), 100_000, 100_000);
        let contract = app.post_with_key("/api/v1/contracts", &uni.token, "portal-voucher", &body).await;
        let contract = contract.assert_status(201)["id"].as_str().expect("contract").to_owned();
        let page = app.page(&format!("/contracts/{contract}?lang=zh"), Some(&ent.token)).await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.text);
        assert!(page.text.contains("data-testid=\"contract-voucher-form\"") && page.text.contains("用创新券支付部分合同金额"), "{}", page.text);
        assert!(page.text.contains(&vouchers[1]) && !page.text.contains(&vouchers[0]), "only the voucher whose programme pays contracts is offered");
        let seller_view = app.page(&format!("/contracts/{contract}"), Some(&uni.token)).await;
        assert!(!seller_view.text.contains("contract-voucher-form"), "the seller is offered nothing to redeem");
        let ok = app.submit(&format!("/contracts/{contract}/voucher"), Some(&ent.token), &[("voucher_id", &vouchers[1])]).await;
        assert_eq!(ok.status.as_u16(), 303, "{}", ok.text);
        let c = app.get(&format!("/api/v1/contracts/{contract}"), Some(&ent.token)).await;
        assert_eq!(c.assert_status(200)["voucher_paid_minor"], 40_000);
        let again = app.submit(&format!("/contracts/{contract}/voucher"), Some(&ent.token), &[("voucher_id", &vouchers[1])]).await;
        // A refused form is a page saying why (the portal answers it 200, see its lib.rs).
        assert_eq!(again.status.as_u16(), 200, "{}", again.text);
        assert!(again.text.contains("the voucher has been spent"), "{}", again.text);
        // The seller claims once the office registered the contract (认定登记).
        let early = app.submit(&format!("/contracts/{contract}/voucher-claim"), Some(&uni.token), &[("voucher_id", &vouchers[1])]).await;
        assert!(early.text.contains("认定登记"), "{}", early.text);
        app.register_contract(&uni.token, &op, &contract, None).await;
        let seller_view = app.page(&format!("/contracts/{contract}?lang=en"), Some(&uni.token)).await;
        assert!(seller_view.text.contains("Paid by vouchers") && seller_view.text.contains("data-testid=\"contract-voucher-claim\""), "{}", seller_view.text);
        let ok = app.submit(&format!("/contracts/{contract}/voucher-claim"), Some(&uni.token), &[("voucher_id", &vouchers[1])]).await;
        assert_eq!(ok.status.as_u16(), 303, "{}", ok.text);
        let v = app.get(&format!("/api/v1/vouchers/{}", vouchers[1]), Some(&ent.token)).await;
        assert_eq!(v.assert_status(200)["state"], "claimed");
        // The operator's report names the contract line in words, and the public programme list
        // says the programme pays contracts.
        let report = app.page(&format!("/console/vouchers/{pays}?lang=zh"), Some(&op)).await;
        assert_eq!(report.status.as_u16(), 200, "{}", report.text);
        let by_kind = report.text.split("data-testid=\"by-kind\"").nth(1).unwrap_or_default();
        assert!(by_kind.contains("技术合同") && !by_kind.contains("technology_contract"), "{}", report.text);
        let programmes = app.page("/vouchers?lang=en", Some(&ent.token)).await;
        assert!(programmes.text.contains("Also pays technology contracts"), "{}", programmes.text);
        let bad = app.submit(&format!("/contracts/{contract}/voucher"), Some(&ent.token), &[("voucher_id", "../../admin")]).await;
        assert_eq!(bad.status.as_u16(), 200, "{}", bad.text);
        assert!(bad.text.contains("class=\"alert\"") || bad.text.contains("<h1>"), "{}", bad.text);
        let c = app.get(&format!("/api/v1/contracts/{contract}"), Some(&ent.token)).await;
        assert_eq!(c.assert_status(200)["voucher_paid_minor"], 40_000, "nothing more was paid");
    }
}
