//! What turns a user's query into a search: the analysis of free text into query units, the
//! highlighter over arbitrary text, the Meilisearch query and filter strings, IPC and region
//! normalisation, and a whole query (text and filters from JSON) run against an embedded index.
//! Never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use search::analysis::{highlight, ipc_prefixes, match_ranges, normalize_ipc, query_units, region_ancestors};
use search::meili::{filter_expression, meili_query_text};
use search::{SearchIndex, SearchQuery};

struct Index {
    runtime: tokio::runtime::Runtime,
    index: search::EmbeddedIndex,
    _dir: tempfile::TempDir,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary directory");
        let index = search::EmbeddedIndex::open(dir.path()).expect("embedded index");
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        Index { runtime, index, _dir: dir }
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first half is the query, the second the text it is highlighted in.
    let (query, haystack) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(text.len(), |(i, _)| i));
    let units = query_units(query);
    for (start, end) in match_ranges(haystack, &units) {
        assert!(start <= end && end <= haystack.len() && haystack.is_char_boundary(start) && haystack.is_char_boundary(end));
    }
    let _ = highlight(haystack, &units);
    let _ = meili_query_text(query);
    let _ = normalize_ipc(query);
    let _ = ipc_prefixes(query);
    let _ = region_ancestors(query);
    // A whole query, as the API deserialises it, against the embedded backend.
    let q: SearchQuery = match serde_json::from_slice(data) {
        Ok(q) => q,
        Err(_) => SearchQuery { text: Some(text.clone().into_owned()), limit: 10, ..SearchQuery::default() },
    };
    let _ = filter_expression(&q.filters);
    let mut q = q;
    q.limit = q.limit.min(50);
    q.offset = q.offset.min(1000);
    let idx = index();
    let _ = idx.runtime.block_on(idx.index.search(&q));
});
