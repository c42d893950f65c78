//! The services' Meilisearch keys (`techmarket migrate` / `search-keys` make them with the
//! master key): listing's may write documents, matching's may only search, and neither may
//! create indexes or change settings. Ignored without a server: `tests/run` runs them beside
//! one (scripts/with-meilisearch sets TECHMARKET_TEST_MEILI_URL and TECHMARKET_TEST_MEILI_KEY).

use search::meili::{MeiliIndex, ServiceKeys};
use search::{LangText, ListingKind, SearchDoc, SearchIndex, SearchQuery};

fn server() -> (String, Option<String>) {
    let url = std::env::var("TECHMARKET_TEST_MEILI_URL")
        .expect("TECHMARKET_TEST_MEILI_URL: this test needs a Meilisearch server");
    (url, std::env::var("TECHMARKET_TEST_MEILI_KEY").ok())
}

fn listing(word: &str) -> SearchDoc {
    SearchDoc {
        id: uuid::Uuid::now_v7(),
        kind: ListingKind::Achievement,
        open_call: false,
        organisation_id: uuid::Uuid::now_v7(),
        original_language: "en".to_owned(),
        texts: vec![LangText {
            language: "en".to_owned(),
            title: format!("Sugarcane harvester {word}"),
            summary: "Cuts cane cleanly on hillsides.".to_owned(),
            description: String::new(),
            keywords: vec![word.to_owned()],
        }],
        industry: "modern_agriculture".to_owned(),
        region_code: "450100".to_owned(),
        country: "CN".to_owned(),
        trl: 6,
        ip_type: None,
        ipc_codes: vec![],
        cooperation_modes: vec![],
        price_min_cny_fen: None,
        price_max_cny_fen: None,
        cross_border: false,
        deadline: None,
        valid_until: None,
        published_at: chrono::Utc::now(),
        vectors: Vec::new(),
    }
}

fn query(word: &str) -> SearchQuery {
    SearchQuery {
        text: Some(word.to_owned()),
        limit: 10,
        ..SearchQuery::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Meilisearch server at TECHMARKET_TEST_MEILI_URL"]
async fn meilisearch_service_keys_allow_only_what_each_service_does() {
    let (url, master) = server();
    let prefix = format!("keys{}", uuid::Uuid::now_v7().simple());
    let admin = MeiliIndex::setup(&url, master.as_deref(), &prefix)
        .await
        .expect("set up the index with the master key");
    let keys = ServiceKeys::ensure(&url, master.as_deref(), &prefix)
        .await
        .expect("create the keys");
    assert_ne!(keys.writer, keys.search_only);
    // Run again (every deploy runs migrate): the same keys, not new ones.
    let again = ServiceKeys::ensure(&url, master.as_deref(), &prefix)
        .await
        .expect("find the keys");
    assert_eq!(keys, again);

    let writer = MeiliIndex::open(&url, Some(&keys.writer), &prefix).expect("writer client");
    let first = listing("keyswriter");
    writer
        .upsert(vec![first.clone()])
        .await
        .expect("the listing service's key writes documents");

    let reader = MeiliIndex::open(&url, Some(&keys.search_only), &prefix).expect("reader client");
    let found = reader
        .search(&query("keyswriter"))
        .await
        .expect("the search-only key searches");
    assert_eq!(
        found.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![first.id]
    );
    assert!(
        reader.upsert(vec![listing("keysreader")]).await.is_err(),
        "the search-only key must not add documents"
    );
    assert!(
        reader.delete(&[first.id]).await.is_err(),
        "the search-only key must not delete documents"
    );
    assert!(
        reader.clear().await.is_err(),
        "the search-only key must not clear the index"
    );
    assert!(
        MeiliIndex::setup(&url, Some(&keys.writer), &prefix)
            .await
            .is_err(),
        "the listing service's key must not create indexes or change settings"
    );
    assert!(
        ServiceKeys::ensure(&url, Some(&keys.writer), &prefix)
            .await
            .is_err(),
        "a service key must not read or make keys"
    );
    let stranger = MeiliIndex::open(&url, Some("not-a-key"), &prefix).expect("client");
    assert!(stranger.search(&query("keyswriter")).await.is_err());

    // Nothing the refused requests tried got through.
    assert_eq!(admin.count().await.expect("count"), 1);
    admin.drop_index().await.expect("drop the test index");
}
