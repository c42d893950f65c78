//! The one conformance suite every [`SearchIndex`] backend must pass: a fixed multilingual
//! corpus (Chinese, English, Vietnamese, Thai, Malay, Indonesian; some with translations) and
//! checks that take `&dyn SearchIndex`, so the embedded index and Meilisearch are held to the
//! same answers. Each check loads the corpus itself (clear + upsert), so checks are independent.
//!
//! Filter and facet expectations come from [`reference_matches`], a deliberately naive
//! implementation of the [`Filters`] contract over the corpus, plus a few literal id sets that
//! pin the oracle itself. Checks return `anyhow::Result` with a message naming what differed.
//!
//! A module of the conformance test (`main.rs` runs it against each backend), not an API.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, ensure, Context};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use search::{
    analysis, Facets, Filters, LangText, ListingKind, SearchDoc, SearchIndex, SearchQuery,
    SortOrder,
};

/// Id of corpus document `n` (stable, readable in failure messages).
pub fn doc_id(n: u128) -> Uuid {
    Uuid::from_u128(0x7ec0_0000_0000_7000_8000_0000_0000_0000 | n)
}

fn n_of(id: &Uuid) -> u128 {
    id.as_u128() & 0xffff
}

fn text(
    language: &str,
    title: &str,
    summary: &str,
    description: &str,
    keywords: &[&str],
) -> LangText {
    LangText {
        language: language.into(),
        title: title.into(),
        summary: summary.into(),
        description: description.into(),
        keywords: keywords.iter().map(|k| (*k).to_string()).collect(),
    }
}

fn org(n: u128) -> Uuid {
    Uuid::from_u128(0x0bad_0000_0000_7000_8000_0000_0000_0000 | n)
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn published(day: i64) -> DateTime<Utc> {
    // Fixed epoch so the newest-first order is known; each document gets its own day.
    Utc.with_ymd_and_hms(2025, 1, 1, 8, 0, 0)
        .single()
        .unwrap_or_default()
        + Duration::days(day)
}

/// Compact builder for corpus entries.
struct D {
    doc: SearchDoc,
}

impl D {
    fn new(n: u128, kind: ListingKind, texts: Vec<LangText>) -> Self {
        let original_language = texts
            .first()
            .map(|t| t.language.clone())
            .unwrap_or_default();
        D {
            doc: SearchDoc {
                id: doc_id(n),
                kind,
                open_call: false,
                organisation_id: org(n % 3),
                original_language,
                texts,
                industry: String::new(),
                region_code: String::new(),
                country: "CN".into(),
                trl: 1,
                ip_type: None,
                ipc_codes: Vec::new(),
                cooperation_modes: Vec::new(),
                price_min_cny_fen: None,
                price_max_cny_fen: None,
                cross_border: false,
                deadline: None,
                valid_until: None,
                // Documents are published in id order with a twist (n * 7 mod 31) so that
                // "newest" is not simply the reverse of insertion order.
                published_at: published(((n * 7) % 31) as i64),
                vectors: Vec::new(),
            },
        }
    }
    fn at(mut self, industry: &str, region: &str, country: &str) -> Self {
        self.doc.industry = industry.into();
        self.doc.region_code = region.into();
        self.doc.country = country.into();
        self.doc.cross_border = country != "CN";
        self
    }
    fn trl(mut self, trl: i16) -> Self {
        self.doc.trl = trl;
        self
    }
    fn ip(mut self, ip_type: &str, ipc: &[&str]) -> Self {
        if !ip_type.is_empty() {
            self.doc.ip_type = Some(ip_type.into());
        }
        self.doc.ipc_codes = ipc.iter().map(|c| (*c).to_string()).collect();
        self
    }
    fn price(mut self, min: Option<i64>, max: Option<i64>) -> Self {
        self.doc.price_min_cny_fen = min;
        self.doc.price_max_cny_fen = max;
        self
    }
    fn modes(mut self, modes: &[&str]) -> Self {
        self.doc.cooperation_modes = modes.iter().map(|m| (*m).to_string()).collect();
        self
    }
    fn deadline(mut self, d: Option<NaiveDate>) -> Self {
        self.doc.deadline = d;
        self
    }
    fn open_call(mut self) -> Self {
        self.doc.open_call = true;
        self
    }
    fn cross_border(mut self, b: bool) -> Self {
        self.doc.cross_border = b;
        self
    }
}

const YUAN: i64 = 100;
const WAN: i64 = 10_000 * YUAN;

/// The fixed corpus: 30 listings.
pub fn corpus() -> Vec<SearchDoc> {
    use ListingKind::{Achievement as A, Need as N};
    let v = vec![
        D::new(1, A, vec![
            text("zh", "基于深度学习的甘蔗收割机智能控制系统", "利用深度学习识别甘蔗茎秆，自动调整切割高度，降低含杂率。", "适用于广西丘陵地区的中小型甘蔗收割机。", &["甘蔗", "收割机", "深度学习"]),
            text("en", "Deep-learning control system for sugarcane harvesters", "Recognises sugarcane stalks with deep learning and adjusts the cutting height automatically.", "", &["sugarcane", "harvester", "deep learning"]),
        ]).at("modern_agriculture", "450100", "CN").trl(6).ip("invention_patent", &["A01D 45/10", "G06N 3/08"]).price(Some(50 * WAN), Some(200 * WAN)).modes(&["licensing", "transfer"]).cross_border(true),
        D::new(2, A, vec![text("zh", "桑蚕丝蛋白医用敷料制备方法", "以桑蚕丝素蛋白为原料制备可降解医用敷料。", "", &["蚕丝", "敷料"])])
            .at("biomedicine", "450203", "CN").trl(4).ip("invention_patent", &["A61L 15/32"]).price(Some(10 * WAN), Some(30 * WAN)).modes(&["transfer"]),
        D::new(3, N, vec![text("zh", "寻求糖厂蔗渣综合利用技术", "希望将蔗渣转化为高附加值材料。", "", &["蔗渣", "综合利用"])])
            .at("green_petrochemicals", "450300", "CN").trl(5).ip("", &["C08B 37/00"]).price(Some(100 * WAN), Some(300 * WAN)).deadline(date(2026, 3, 31)).modes(&["joint_development"]),
        D::new(4, N, vec![text("zh", "揭榜挂帅：新能源汽车电池热管理系统", "面向动力电池的高效热管理方案。", "", &["电池", "热管理"])])
            .at("new_energy_vehicles", "450200", "CN").trl(7).ip("", &["H01M 10/613"]).price(Some(500 * WAN), Some(1000 * WAN)).deadline(date(2026, 1, 15)).open_call().modes(&["commissioned_development"]),
        D::new(5, A, vec![text("th", "ระบบควบคุมอัจฉริยะสำหรับเครื่องเก็บเกี่ยวอ้อย", "ระบบตรวจจับลำต้นอ้อยและปรับความสูงการตัดโดยอัตโนมัติ", "", &["อ้อย", "เครื่องเก็บเกี่ยว"])])
            .at("modern_agriculture", "TH", "TH").trl(5).ip("invention_patent", &["A01D 45/10"]).modes(&["licensing"]),
        D::new(6, A, vec![text("vi", "Công nghệ nuôi tôm tuần hoàn tiết kiệm nước", "Hệ thống lọc sinh học giúp nuôi tôm mật độ cao với lượng nước thay rất thấp.", "", &["nuôi tôm", "tuần hoàn"])])
            .at("marine", "VN", "VN").trl(7).ip("utility_model", &["A01K 61/59"]).price(Some(20 * WAN), Some(40 * WAN)).modes(&["transfer", "licensing"]),
        D::new(7, A, vec![text("ms", "Sistem pengesanan penyakit kelapa sawit menggunakan dron", "Dron dengan kamera multispektrum mengesan penyakit ganoderma pada ladang kelapa sawit.", "", &["kelapa sawit", "dron"])])
            .at("modern_agriculture", "MY", "MY").trl(6).ip("invention_patent", &["G06V 20/17", "A01G 7/06"]).price(Some(80 * WAN), None).modes(&["licensing"]),
        D::new(8, N, vec![text("id", "Teknologi pengolahan limbah cair kelapa sawit", "Mencari teknologi untuk mengolah limbah cair pabrik kelapa sawit menjadi biogas.", "", &["limbah", "biogas"])])
            .at("ecology_carbon_neutrality", "ID", "ID").trl(6).ip("", &["C02F 3/28"]).price(Some(30 * WAN), Some(80 * WAN)).deadline(date(2026, 6, 30)),
        D::new(9, A, vec![text("en", "Low-temperature (<-20 °C) sodium-ion battery cathode & binder", "A layered oxide cathode that keeps 85% capacity at minus twenty degrees.", "", &["sodium-ion", "battery", "cathode"])])
            .at("new_energy_vehicles", "450100", "CN").trl(5).ip("invention_patent", &["H01M 4/36"]).price(Some(300 * WAN), Some(600 * WAN)).modes(&["joint_development"]),
        D::new(10, A, vec![
            text("zh", "芒果采后保鲜涂膜技术", "可食性涂膜延长芒果货架期十五天。", "", &["芒果", "保鲜"]),
            text("vi", "Công nghệ màng phủ bảo quản xoài sau thu hoạch", "Màng phủ ăn được kéo dài thời hạn sử dụng của xoài.", "", &["xoài", "bảo quản"]),
        ]).at("modern_agriculture", "451000", "CN").trl(8).ip("utility_model", &["A23B 7/16"]).price(Some(5 * WAN), Some(5 * WAN)).modes(&["transfer"]),
        D::new(11, A, vec![text("zh", "铝合金轮毂低压铸造工艺优化", "通过模具温度场仿真减少轮毂缩孔缺陷。", "", &["铝合金", "铸造"])])
            .at("advanced_metal_materials", "450500", "CN").trl(7).ip("invention_patent", &["B22D 18/04"]).price(Some(80 * WAN), Some(150 * WAN)).modes(&["transfer"]),
        D::new(12, A, vec![text("zh", "碳酸钙粉体表面改性技术", "硬脂酸湿法改性提高重质碳酸钙在塑料中的分散性。", "", &["碳酸钙", "改性"])])
            .at("calcium_carbonate", "451400", "CN").trl(8).ip("invention_patent", &["C09C 1/02"]).price(Some(20 * WAN), Some(60 * WAN)).modes(&["joint_development", "transfer"]),
        D::new(13, N, vec![
            text("zh", "寻求木薯淀粉生物降解塑料技术", "以木薯淀粉为原料生产可降解包装材料。", "", &["木薯", "降解塑料"]),
            text("en", "Seeking biodegradable plastics from cassava starch", "Packaging materials made from cassava.", "", &["cassava", "bioplastics"]),
        ])
            .at("green_petrochemicals", "450100", "CN").trl(4).ip("", &["C08L 3/02"]).deadline(date(2026, 9, 1)),
        D::new(14, N, vec![text("en", "Cold-chain logistics monitoring for durian exports", "IoT temperature tracking for durian shipments from ASEAN to Nanning.", "", &["cold chain", "durian"])])
            .at("smart_city", "450100", "CN").trl(6).ip("", &["G06Q 10/08"]).deadline(date(2026, 2, 28)).cross_border(true).modes(&["commissioned_development"]),
        D::new(15, A, vec![text("zh", "智能电网配电终端故障定位方法", "基于行波的配电网单相接地故障定位。", "", &["配电网", "故障定位"])])
            .at("electronic_information", "450202", "CN").trl(6).ip("invention_patent", &["H02J 13/00", "G01R 31/08"]).price(Some(40 * WAN), Some(100 * WAN)).modes(&["licensing"]),
        D::new(16, N, vec![text("th", "ต้องการเทคโนโลยีแปรรูปมันสำปะหลัง", "โรงงานต้องการเทคโนโลยีผลิตแป้งมันสำปะหลังคุณภาพสูง", "", &["มันสำปะหลัง"])])
            .at("modern_agriculture", "TH", "TH").trl(5).ip("", &["A23L 19/10"]).deadline(date(2026, 4, 30)),
        D::new(17, N, vec![text("vi", "Tìm kiếm công nghệ sấy cà phê bằng năng lượng mặt trời", "Hợp tác xã cần máy sấy cà phê dùng năng lượng mặt trời.", "", &["cà phê", "sấy"])])
            .at("new_energy_vehicles", "VN", "VN").trl(6).ip("", &["F26B 3/28"]).price(Some(10 * WAN), Some(50 * WAN)).deadline(date(2026, 5, 31)),
        D::new(18, A, vec![
            text("zh", "中药材桂枝提取物的制备方法", "超临界萃取桂枝挥发油，得率提高百分之三十。", "", &["桂枝", "提取物"]),
            text("en", "Preparation method of cassia twig extract", "Supercritical extraction raises the yield of cassia twig oil by thirty percent.", "", &["cassia twig", "extract"]),
        ]).at("biomedicine", "450400", "CN").trl(5).ip("invention_patent", &["A61K 36/54"]).price(Some(40 * WAN), Some(90 * WAN)).modes(&["transfer"]),
        D::new(19, A, vec![
            text("en", "Drone-based pesticide spraying for sugarcane fields", "Variable-rate spraying drones cut pesticide use on sugarcane by a quarter.", "", &["drone", "sugarcane", "spraying"]),
            text("zh", "甘蔗田无人机植保喷洒技术", "变量喷洒无人机使甘蔗田农药用量减少四分之一。", "", &["无人机", "甘蔗"]),
        ]).at("modern_agriculture", "SG", "SG").trl(8).ip("invention_patent", &["B64D 1/18", "A01M 7/00"]).price(Some(150 * WAN), Some(150 * WAN)).modes(&["licensing"]),
        D::new(20, A, vec![text("zh", "北斗高精度农机自动驾驶系统", "厘米级定位实现拖拉机自动直线行驶。", "", &["北斗", "农机", "自动驾驶"])])
            .at("modern_agriculture", "450800", "CN").trl(7).ip("invention_patent", &["A01B 69/04", "G05D 1/02"]).price(Some(100 * WAN), Some(200 * WAN)).modes(&["transfer", "licensing"]),
        D::new(21, A, vec![text("en", "Ceramic membrane for industrial wastewater treatment", "Tubular ceramic membranes for high-salinity effluent.", "Field-tested at two sugarcane mills and a starch plant.", &["membrane", "wastewater"])])
            .at("ecology_carbon_neutrality", "450300", "CN").trl(7).ip("invention_patent", &["C02F 1/44", "B01D 71/02"]).price(Some(60 * WAN), Some(120 * WAN)).modes(&["transfer"]),
        D::new(22, A, vec![text("zh", "红树林生态修复种苗繁育技术", "北部湾红树林快速育苗与造林。", "", &["红树林", "生态修复"])])
            .at("marine", "450500", "CN").trl(6).ip("", &["A01G 22/00"]).modes(&["joint_development"]),
        D::new(23, N, vec![text("zh", "寻求高镍三元正极材料量产工艺", "需要解决高镍正极循环寿命问题。", "", &["正极材料", "高镍"])])
            .at("new_energy_vehicles", "450200", "CN").trl(6).ip("", &["H01M 4/525"]).price(Some(800 * WAN), None).deadline(date(2026, 7, 31)).open_call(),
        D::new(24, A, vec![text("id", "Pupuk hayati untuk tanaman tebu", "Pupuk hayati berbasis bakteri penambat nitrogen untuk tebu.", "", &["pupuk hayati", "tebu"])])
            .at("bio_breeding", "ID", "ID").trl(6).ip("", &["C05F 11/08"]).price(Some(5 * WAN), Some(15 * WAN)).modes(&["licensing"]),
        D::new(25, A, vec![text("zh", "蔗糖深加工低聚果糖生产工艺", "以蔗糖为原料酶法生产低聚果糖。", "", &["低聚果糖", "蔗糖"])])
            .at("green_petrochemicals", "450700", "CN").trl(9).ip("invention_patent", &["C12P 19/14"]).price(Some(200 * WAN), Some(400 * WAN)).modes(&["transfer"]),
        D::new(26, A, vec![text("en", "Edge AI camera for traffic incident detection", "Detects stalled vehicles and accidents within two seconds.", "", &["edge ai", "traffic"])])
            .at("smart_city", "450102", "CN").trl(8).ip("software_copyright", &["G06V 20/54", "G08G 1/01"]).price(Some(30 * WAN), Some(30 * WAN)).modes(&["licensing"]),
        D::new(27, N, vec![text("ms", "Mencari teknologi pemprosesan durian beku", "Kilang memerlukan teknologi pembekuan durian untuk eksport.", "", &["durian", "pembekuan"])])
            .at("modern_agriculture", "MY", "MY").trl(7).ip("", &["A23B 7/04"]).price(Some(50 * WAN), Some(100 * WAN)).deadline(date(2026, 8, 15)),
        D::new(28, A, vec![text("zh", "锰系新材料电解二氧化锰制备技术", "降低电解二氧化锰杂质含量。", "", &["锰", "电解"])])
            .at("advanced_metal_materials", "450900", "CN").trl(7).ip("invention_patent", &["C25B 1/21"]).price(Some(120 * WAN), Some(250 * WAN)).modes(&["transfer"]),
        D::new(29, A, vec![text("vi", "Giống lúa chịu mặn cho đồng bằng sông Cửu Long", "Giống lúa mới chịu được độ mặn 4‰ và cho năng suất cao.", "", &["lúa", "chịu mặn"])])
            .at("bio_breeding", "VN", "VN").trl(8).ip("plant_variety", &["A01H 6/46"]).price(Some(15 * WAN), Some(45 * WAN)).modes(&["licensing"]),
        D::new(30, A, vec![text("zh", "工业机器人视觉引导焊接系统", "三维视觉识别焊缝并自动规划焊接路径。", "", &["机器人", "焊接", "视觉"])])
            .at("high_end_equipment", "450200", "CN").trl(7).ip("invention_patent", &["B23K 37/02", "G06T 7/00"]).price(Some(90 * WAN), Some(180 * WAN)).modes(&["transfer", "joint_development"]),
    ];
    v.into_iter().map(|d| d.doc).collect()
}

/// The [`Filters`] contract written as plainly as possible; the backends must agree with it.
pub fn reference_matches(d: &SearchDoc, f: &Filters) -> bool {
    let any = |wanted: &[String], have: &[String]| {
        wanted.is_empty() || wanted.iter().any(|w| have.contains(w))
    };
    let region_ok = f.regions.is_empty()
        || f.regions.iter().any(|r| {
            let r = r.as_str();
            let code = d.region_code.as_str();
            let digits = |s: &str| s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit());
            if digits(r) && digits(code) && r.ends_with("0000") {
                code[..2] == r[..2]
            } else if digits(r) && digits(code) && r.ends_with("00") {
                code[..4] == r[..4]
            } else {
                code == r
            }
        });
    let price_ok = match (f.price_min_cny_fen, f.price_max_cny_fen) {
        (None, None) => true,
        (want_min, want_max) => {
            if d.price_min_cny_fen.is_none() && d.price_max_cny_fen.is_none() {
                false
            } else {
                let lo = d.price_min_cny_fen.unwrap_or(0);
                let hi = d.price_max_cny_fen.unwrap_or(i64::MAX);
                want_min.is_none_or(|m| hi >= m) && want_max.is_none_or(|m| lo <= m)
            }
        }
    };
    let langs: Vec<String> = d.texts.iter().map(|t| t.language.clone()).collect();
    let ipc_ok = f.ipc_prefixes.is_empty()
        || f.ipc_prefixes.iter().any(|p| {
            let p = analysis::normalize_ipc(p);
            d.ipc_codes
                .iter()
                .any(|c| analysis::normalize_ipc(c).starts_with(&p))
        });
    (f.kinds.is_empty() || f.kinds.contains(&d.kind))
        && f.open_call.is_none_or(|o| o == d.open_call)
        && any(&f.industries, std::slice::from_ref(&d.industry))
        && region_ok
        && any(&f.countries, std::slice::from_ref(&d.country))
        && f.trl_min.is_none_or(|m| d.trl >= m)
        && f.trl_max.is_none_or(|m| d.trl <= m)
        && (f.ip_types.is_empty() || d.ip_type.as_ref().is_some_and(|t| f.ip_types.contains(t)))
        && any(&f.cooperation_modes, &d.cooperation_modes)
        && price_ok
        && f.cross_border.is_none_or(|c| c == d.cross_border)
        && any(&f.languages, &langs)
        && f.organisation_id.is_none_or(|o| o == d.organisation_id)
        && ipc_ok
}

/// Facet counts the reference way: every facet of every document passing `f`.
pub fn reference_facets(docs: &[SearchDoc], f: &Filters) -> Facets {
    let mut out = Facets::new();
    for d in docs.iter().filter(|d| reference_matches(d, f)) {
        let mut add = |facet: &str, value: String| {
            *out.entry(facet.to_string())
                .or_default()
                .entry(value)
                .or_default() += 1;
        };
        add("kind", d.kind.as_str().into());
        add("industry", d.industry.clone());
        add("region", d.region_code.clone());
        add("country", d.country.clone());
        add("trl", d.trl.to_string());
        if let Some(ip) = &d.ip_type {
            add("ip_type", ip.clone());
        }
        for m in d.cooperation_modes.iter().collect::<BTreeSet<_>>() {
            add("cooperation_mode", m.clone());
        }
        for l in d.texts.iter().map(|t| &t.language).collect::<BTreeSet<_>>() {
            add("language", l.clone());
        }
        add("cross_border", d.cross_border.to_string());
        add("open_call", d.open_call.to_string());
    }
    out
}

/// Clears the index and loads the corpus.
pub async fn load_corpus(index: &dyn SearchIndex) -> anyhow::Result<Vec<SearchDoc>> {
    let docs = corpus();
    index
        .clear()
        .await
        .context("clear before loading the conformance corpus")?;
    index
        .upsert(docs.clone())
        .await
        .context("upsert the conformance corpus")?;
    let n = index.count().await?;
    ensure!(
        n == docs.len() as u64,
        "count after loading the corpus is {n}, expected {}",
        docs.len()
    );
    Ok(docs)
}

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        text: Some(text.into()),
        limit: 50,
        ..SearchQuery::default()
    }
}

fn filtered(filters: Filters) -> SearchQuery {
    SearchQuery {
        filters,
        limit: 100,
        ..SearchQuery::default()
    }
}

fn ids(results: &search::SearchResults) -> Vec<u128> {
    results.hits.iter().map(|h| n_of(&h.id)).collect()
}

async fn found(index: &dyn SearchIndex, text: &str) -> anyhow::Result<Vec<u128>> {
    Ok(ids(&index.search(&q(text)).await?))
}

async fn expect_found(
    index: &dyn SearchIndex,
    text: &str,
    want: &[u128],
    not: &[u128],
) -> anyhow::Result<()> {
    let got = found(index, text).await?;
    for w in want {
        ensure!(
            got.contains(w),
            "query {text:?}: expected doc {w} among the hits, got {got:?}"
        );
    }
    for n in not {
        ensure!(
            !got.contains(n),
            "query {text:?}: doc {n} must not match, got {got:?}"
        );
    }
    Ok(())
}

/// Chinese words inside a longer text are found (segmentation), in simplified and traditional.
pub async fn chinese_words_inside_text(index: &dyn SearchIndex) -> anyhow::Result<()> {
    load_corpus(index).await?;
    expect_found(index, "甘蔗收割机", &[1], &[2, 3, 19, 25]).await?;
    expect_found(index, "深度学习", &[1], &[19]).await?;
    expect_found(index, "深度學習", &[1], &[]).await?;
    expect_found(index, "甘蔗", &[1, 19], &[2, 30]).await?;
    expect_found(index, "电池热管理", &[4], &[9, 23]).await?;
    expect_found(index, "碳酸钙", &[12], &[]).await?;
    expect_found(index, "机器人", &[30], &[1]).await?;
    // Single characters match wherever they occur, first, middle or last in a run.
    expect_found(index, "锰", &[28], &[]).await?;
    expect_found(index, "蔗", &[1, 3, 19, 25], &[2]).await?;
    Ok(())
}

/// Thai and Vietnamese listings are found by words of their own language (marks optional).
pub async fn thai_and_vietnamese_words(index: &dyn SearchIndex) -> anyhow::Result<()> {
    load_corpus(index).await?;
    expect_found(index, "อ้อย", &[5], &[16]).await?;
    expect_found(index, "มันสำปะหลัง", &[16], &[5]).await?;
    expect_found(index, "nuôi tôm", &[6], &[17, 29]).await?;
    expect_found(index, "cà phê", &[17], &[6]).await?;
    expect_found(index, "xoài", &[10], &[6]).await?;
    expect_found(index, "kelapa sawit", &[7, 8], &[24]).await?;
    Ok(())
}

/// A Chinese listing is found through its English translation, which is reported as the
/// matched language.
pub async fn chinese_listing_found_through_translation(
    index: &dyn SearchIndex,
) -> anyhow::Result<()> {
    load_corpus(index).await?;
    expect_found(index, "sugarcane harvester", &[1], &[5, 21]).await?;
    let r = index.search(&q("cassia twig extract")).await?;
    let hit = r
        .hits
        .iter()
        .find(|h| h.id == doc_id(18))
        .context("doc 18 not found by its English translation")?;
    ensure!(
        hit.matched_language.as_deref() == Some("en"),
        "matched_language {:?}, expected en",
        hit.matched_language
    );
    let r = index.search(&q("桂枝")).await?;
    let hit = r
        .hits
        .iter()
        .find(|h| h.id == doc_id(18))
        .context("doc 18 not found by its Chinese title")?;
    ensure!(
        hit.matched_language.as_deref() == Some("zh"),
        "matched_language {:?}, expected zh",
        hit.matched_language
    );
    Ok(())
}

/// Title matches rank above description-only matches.
pub async fn title_outranks_description(index: &dyn SearchIndex) -> anyhow::Result<()> {
    load_corpus(index).await?;
    let got = found(index, "sugarcane").await?;
    let pos = |n: u128| got.iter().position(|x| *x == n);
    let (Some(p1), Some(p19), Some(p21)) = (pos(1), pos(19), pos(21)) else {
        bail!("query sugarcane: expected docs 1, 19 and 21, got {got:?}");
    };
    ensure!(
        p1 < p21 && p19 < p21,
        "description-only doc 21 ranks above a title match: {got:?}"
    );
    // Doc 13 has "starch" once in an English title, doc 21 once in its description.
    let got = found(index, "starch").await?;
    ensure!(
        got == vec![13, 21],
        "query starch: expected the title match 13 before the description match 21, got {got:?}"
    );
    Ok(())
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_string()).collect()
}

/// The filter cases; each must return exactly the documents [`reference_matches`] accepts.
pub fn filter_cases() -> Vec<(&'static str, Filters)> {
    let f = Filters::default;
    vec![
        ("no filter", f()),
        (
            "kind need",
            Filters {
                kinds: vec![ListingKind::Need],
                ..f()
            },
        ),
        (
            "open call",
            Filters {
                open_call: Some(true),
                ..f()
            },
        ),
        (
            "not open call",
            Filters {
                open_call: Some(false),
                ..f()
            },
        ),
        (
            "industry",
            Filters {
                industries: s(&["modern_agriculture"]),
                ..f()
            },
        ),
        (
            "two industries",
            Filters {
                industries: s(&["biomedicine", "marine"]),
                ..f()
            },
        ),
        (
            "province",
            Filters {
                regions: s(&["450000"]),
                ..f()
            },
        ),
        (
            "prefecture",
            Filters {
                regions: s(&["450200"]),
                ..f()
            },
        ),
        (
            "county",
            Filters {
                regions: s(&["450203"]),
                ..f()
            },
        ),
        (
            "region country codes",
            Filters {
                regions: s(&["TH", "VN"]),
                ..f()
            },
        ),
        (
            "countries",
            Filters {
                countries: s(&["MY", "ID"]),
                ..f()
            },
        ),
        (
            "trl min",
            Filters {
                trl_min: Some(7),
                ..f()
            },
        ),
        (
            "trl range",
            Filters {
                trl_min: Some(5),
                trl_max: Some(6),
                ..f()
            },
        ),
        (
            "ip types",
            Filters {
                ip_types: s(&["utility_model", "plant_variety"]),
                ..f()
            },
        ),
        (
            "cooperation mode",
            Filters {
                cooperation_modes: s(&["joint_development"]),
                ..f()
            },
        ),
        (
            "price min",
            Filters {
                price_min_cny_fen: Some(300 * WAN),
                ..f()
            },
        ),
        (
            "price max",
            Filters {
                price_max_cny_fen: Some(20 * WAN),
                ..f()
            },
        ),
        (
            "price window",
            Filters {
                price_min_cny_fen: Some(100 * WAN),
                price_max_cny_fen: Some(150 * WAN),
                ..f()
            },
        ),
        (
            "price point",
            Filters {
                price_min_cny_fen: Some(5 * WAN),
                price_max_cny_fen: Some(5 * WAN),
                ..f()
            },
        ),
        (
            "cross border",
            Filters {
                cross_border: Some(true),
                ..f()
            },
        ),
        (
            "domestic",
            Filters {
                cross_border: Some(false),
                ..f()
            },
        ),
        (
            "language en",
            Filters {
                languages: s(&["en"]),
                ..f()
            },
        ),
        (
            "language vi th",
            Filters {
                languages: s(&["vi", "th"]),
                ..f()
            },
        ),
        (
            "organisation",
            Filters {
                organisation_id: Some(org(1)),
                ..f()
            },
        ),
        (
            "ipc subclass",
            Filters {
                ipc_prefixes: s(&["A01D"]),
                ..f()
            },
        ),
        (
            "ipc group with space",
            Filters {
                ipc_prefixes: s(&["H01M 4"]),
                ..f()
            },
        ),
        (
            "ipc class lowercase",
            Filters {
                ipc_prefixes: s(&["a01"]),
                ..f()
            },
        ),
        (
            "ipc full code",
            Filters {
                ipc_prefixes: s(&["G06N 3/08"]),
                ..f()
            },
        ),
        (
            "combined",
            Filters {
                kinds: vec![ListingKind::Achievement],
                regions: s(&["450000"]),
                trl_min: Some(6),
                price_max_cny_fen: Some(100 * WAN),
                ..f()
            },
        ),
        (
            "nothing",
            Filters {
                industries: s(&["no_such_industry"]),
                ..f()
            },
        ),
    ]
}

/// Every filter returns exactly the expected id set, with an exact total.
pub async fn filters_are_exact(index: &dyn SearchIndex) -> anyhow::Result<()> {
    let docs = load_corpus(index).await?;
    // Pin the oracle with literal sets for the filters people care most about.
    let literal: [(&str, Filters, &[u128]); 4] = [
        (
            "province 450000",
            Filters {
                regions: s(&["450000"]),
                ..Filters::default()
            },
            &[
                1, 2, 3, 4, 9, 10, 11, 12, 13, 14, 15, 18, 20, 21, 22, 23, 25, 26, 28, 30,
            ],
        ),
        (
            "ipc A01D",
            Filters {
                ipc_prefixes: s(&["A01D"]),
                ..Filters::default()
            },
            &[1, 5],
        ),
        (
            "open call",
            Filters {
                open_call: Some(true),
                ..Filters::default()
            },
            &[4, 23],
        ),
        (
            "price 5万 point",
            Filters {
                price_min_cny_fen: Some(5 * WAN),
                price_max_cny_fen: Some(5 * WAN),
                ..Filters::default()
            },
            &[10, 24],
        ),
    ];
    for (name, filters, want) in literal {
        let oracle: BTreeSet<u128> = docs
            .iter()
            .filter(|d| reference_matches(d, &filters))
            .map(|d| n_of(&d.id))
            .collect();
        ensure!(
            oracle == want.iter().copied().collect(),
            "reference filter {name} gives {oracle:?}, expected {want:?}"
        );
    }
    for (name, filters) in filter_cases() {
        let want: BTreeSet<u128> = docs
            .iter()
            .filter(|d| reference_matches(d, &filters))
            .map(|d| n_of(&d.id))
            .collect();
        let r = index.search(&filtered(filters.clone())).await?;
        let got: BTreeSet<u128> = ids(&r).into_iter().collect();
        ensure!(got == want, "filter {name}: got {got:?}, expected {want:?}");
        ensure!(
            r.total == want.len() as u64,
            "filter {name}: total {} expected {}",
            r.total,
            want.len()
        );
        ensure!(
            r.hits.len() == got.len(),
            "filter {name}: duplicate hits {:?}",
            ids(&r)
        );
    }
    // Text and filters combine.
    let r = index
        .search(&SearchQuery {
            filters: Filters {
                countries: s(&["CN"]),
                ..Filters::default()
            },
            ..q("甘蔗")
        })
        .await?;
    let got: BTreeSet<u128> = ids(&r).into_iter().collect();
    ensure!(
        got.contains(&1) && !got.contains(&19),
        "甘蔗 in CN: got {got:?}, expected 1 and not 19 (SG)"
    );
    Ok(())
}

/// Facet counts are exact over the filtered set, before pagination.
pub async fn facet_counts_are_exact(index: &dyn SearchIndex) -> anyhow::Result<()> {
    let docs = load_corpus(index).await?;
    let cases = [
        ("no filter", Filters::default()),
        (
            "province",
            Filters {
                regions: s(&["450000"]),
                ..Filters::default()
            },
        ),
        (
            "needs",
            Filters {
                kinds: vec![ListingKind::Need],
                ..Filters::default()
            },
        ),
        (
            "agri trl>=6",
            Filters {
                industries: s(&["modern_agriculture"]),
                trl_min: Some(6),
                ..Filters::default()
            },
        ),
    ];
    for (name, filters) in cases {
        let want = reference_facets(&docs, &filters);
        // A page of 2 proves the counts are taken before pagination.
        let r = index
            .search(&SearchQuery {
                filters: filters.clone(),
                limit: 2,
                offset: 1,
                facets: true,
                ..SearchQuery::default()
            })
            .await?;
        for (facet, values) in &want {
            let got = r.facets.get(facet).cloned().unwrap_or_default();
            ensure!(
                &got == values,
                "facets {name}/{facet}: got {got:?}, expected {values:?}"
            );
        }
        for (facet, values) in &r.facets {
            let nonzero: BTreeMap<&String, &u64> = values.iter().filter(|(_, n)| **n > 0).collect();
            ensure!(
                nonzero.is_empty() || want.contains_key(facet),
                "facets {name}: unexpected facet {facet}: {values:?}"
            );
        }
    }
    let r = index
        .search(&SearchQuery {
            limit: 0,
            facets: true,
            ..SearchQuery::default()
        })
        .await?;
    let kinds = r.facets.get("kind").cloned().unwrap_or_default();
    ensure!(
        kinds.get("achievement") == Some(&21) && kinds.get("need") == Some(&9),
        "kind facet {kinds:?}, expected 21 achievements and 9 needs"
    );
    ensure!(
        r.total == 30 && r.hits.is_empty(),
        "limit 0 must give total 30 and no hits, got {} / {}",
        r.total,
        r.hits.len()
    );
    Ok(())
}

/// Pages concatenate to the full list: no duplicates, no gaps, the same total on each page.
pub async fn pagination_is_consistent(index: &dyn SearchIndex) -> anyhow::Result<()> {
    let docs = load_corpus(index).await?;
    let dated = docs.iter().filter(|d| d.deadline.is_some()).count();
    for (sort, text) in [
        (SortOrder::Newest, None),
        (SortOrder::Relevance, Some("甘蔗")),
        (SortOrder::Deadline, None),
    ] {
        let base = SearchQuery {
            text: text.map(String::from),
            sort,
            ..SearchQuery::default()
        };
        let all = index
            .search(&SearchQuery {
                limit: 100,
                ..base.clone()
            })
            .await?;
        let mut paged = Vec::new();
        let mut offset = 0;
        while offset < all.total as usize + 3 {
            let page = index
                .search(&SearchQuery {
                    offset,
                    limit: 4,
                    ..base.clone()
                })
                .await?;
            ensure!(
                page.total == all.total,
                "{sort:?}: page at {offset} has total {} vs {}",
                page.total,
                all.total
            );
            paged.extend(ids(&page));
            offset += 4;
        }
        let all_ids = ids(&all);
        if sort == SortOrder::Deadline {
            // Listings without a deadline tie; only the set and the dated prefix are stable.
            let set_a: BTreeSet<_> = paged.iter().collect();
            let set_b: BTreeSet<_> = all_ids.iter().collect();
            ensure!(
                set_a == set_b && paged.len() == all_ids.len(),
                "{sort:?}: pages {paged:?} vs all {all_ids:?}"
            );
            ensure!(
                paged.get(..dated) == all_ids.get(..dated),
                "{sort:?}: dated prefix differs: {paged:?} vs {all_ids:?}"
            );
        } else {
            ensure!(
                paged == all_ids,
                "{sort:?}: pages {paged:?} vs one request {all_ids:?}"
            );
        }
        ensure!(
            all.hits.len() as u64 == all.total,
            "{sort:?}: total {} but {} hits",
            all.total,
            all.hits.len()
        );
    }
    Ok(())
}

/// Newest sorts by publication time descending; deadline ascending with undated listings last.
pub async fn sort_newest_and_deadline(index: &dyn SearchIndex) -> anyhow::Result<()> {
    let docs = load_corpus(index).await?;
    let r = index
        .search(&SearchQuery {
            sort: SortOrder::Newest,
            limit: 100,
            ..SearchQuery::default()
        })
        .await?;
    let mut want: Vec<&SearchDoc> = docs.iter().collect();
    want.sort_by_key(|d| std::cmp::Reverse(d.published_at));
    let want: Vec<u128> = want.iter().map(|d| n_of(&d.id)).collect();
    ensure!(
        ids(&r) == want,
        "newest: got {:?}, expected {want:?}",
        ids(&r)
    );

    let r = index
        .search(&SearchQuery {
            sort: SortOrder::Deadline,
            limit: 100,
            ..SearchQuery::default()
        })
        .await?;
    let got = ids(&r);
    let mut dated: Vec<&SearchDoc> = docs.iter().filter(|d| d.deadline.is_some()).collect();
    dated.sort_by_key(|d| d.deadline);
    let dated: Vec<u128> = dated.iter().map(|d| n_of(&d.id)).collect();
    ensure!(
        got.len() == docs.len(),
        "deadline: {} hits, expected {}",
        got.len(),
        docs.len()
    );
    ensure!(
        got[..dated.len()] == dated[..],
        "deadline: got {got:?}, expected to start with {dated:?}"
    );

    // Sorting applies within a text match too.
    let r = index
        .search(&SearchQuery {
            sort: SortOrder::Newest,
            ..q("sugarcane")
        })
        .await?;
    let got = ids(&r);
    let published = |n: u128| {
        docs.iter()
            .find(|d| n_of(&d.id) == n)
            .map(|d| d.published_at)
    };
    ensure!(
        got.windows(2).all(|w| published(w[0]) >= published(w[1])),
        "sugarcane by newest out of order: {got:?}"
    );
    Ok(())
}

/// Deleting removes a listing from results and from the count; absent ids are fine.
pub async fn delete_removes(index: &dyn SearchIndex) -> anyhow::Result<()> {
    load_corpus(index).await?;
    expect_found(index, "碳酸钙", &[12], &[]).await?;
    index.delete(&[doc_id(12), Uuid::from_u128(42)]).await?;
    expect_found(index, "碳酸钙", &[], &[12]).await?;
    ensure!(index.count().await? == 29, "count after delete is not 29");
    let r = index
        .search(&filtered(Filters {
            industries: s(&["calcium_carbonate"]),
            ..Filters::default()
        }))
        .await?;
    ensure!(
        r.total == 0 && r.hits.is_empty(),
        "deleted doc still passes its filter: {:?}",
        ids(&r)
    );
    Ok(())
}

/// Upserting an existing id replaces the document (text and filters), never duplicates it.
pub async fn upsert_replaces(index: &dyn SearchIndex) -> anyhow::Result<()> {
    let docs = load_corpus(index).await?;
    let mut d = docs
        .iter()
        .find(|d| d.id == doc_id(11))
        .cloned()
        .context("doc 11 missing")?;
    d.texts = vec![text(
        "zh",
        "镁合金压铸件表面处理技术",
        "微弧氧化提高镁合金耐蚀性。",
        "",
        &["镁合金"],
    )];
    d.trl = 3;
    index.upsert(vec![d]).await?;
    ensure!(
        index.count().await? == 30,
        "count after replacing upsert is not 30"
    );
    expect_found(index, "镁合金", &[11], &[]).await?;
    expect_found(index, "铝合金轮毂", &[], &[11]).await?;
    let r = index
        .search(&filtered(Filters {
            trl_max: Some(3),
            ..Filters::default()
        }))
        .await?;
    ensure!(
        ids(&r) == vec![11],
        "trl<=3 after upsert: got {:?}, expected [11]",
        ids(&r)
    );
    Ok(())
}

/// Writes submitted without waiting are applied in order and visible once `settle` of the last
/// one returns: a replace submitted after an insert wins, a delete submitted last removes.
pub async fn submitted_writes_apply_in_order(index: &dyn SearchIndex) -> anyhow::Result<()> {
    let docs = load_corpus(index).await?;
    let mut first = docs
        .iter()
        .find(|d| d.id == doc_id(11))
        .cloned()
        .context("doc 11 missing")?;
    first.texts = vec![text("zh", "钛合金焊接工艺", "", "", &[])];
    let mut second = first.clone();
    second.texts = vec![text("zh", "镁合金压铸件表面处理技术", "", "", &[])];
    index.submit_upsert(vec![first]).await?;
    let last = index.submit_upsert(vec![second]).await?;
    index.settle(last).await?;
    expect_found(index, "镁合金压铸", &[11], &[]).await?;
    expect_found(index, "钛合金焊接", &[], &[11]).await?;
    let delete = index.submit_delete(&[doc_id(11)]).await?;
    index.settle(delete).await?;
    expect_found(index, "镁合金压铸", &[], &[11]).await?;
    ensure!(
        index.count().await? == 29,
        "count after a submitted delete is not 29"
    );
    Ok(())
}

/// Highlights wrap matches in `<mark>` and HTML-escape everything else.
pub async fn highlights_mark_matches(index: &dyn SearchIndex) -> anyhow::Result<()> {
    load_corpus(index).await?;
    let r = index
        .search(&SearchQuery {
            highlight: true,
            ..q("甘蔗收割机")
        })
        .await?;
    let hit = r
        .hits
        .iter()
        .find(|h| h.id == doc_id(1))
        .context("doc 1 not found")?;
    let title = hit.highlights.get("title").cloned().unwrap_or_default();
    ensure!(
        title == "基于深度学习的<mark>甘蔗收割机</mark>智能控制系统",
        "title highlight {title:?}"
    );
    // The summary lacks the whole phrase: it comes back escaped and unmarked.
    let summary = hit.highlights.get("summary").cloned().unwrap_or_default();
    ensure!(
        summary == "利用深度学习识别甘蔗茎秆，自动调整切割高度，降低含杂率。",
        "summary highlight {summary:?}"
    );

    let r = index
        .search(&SearchQuery {
            highlight: true,
            ..q("sodium cathode")
        })
        .await?;
    let hit = r
        .hits
        .iter()
        .find(|h| h.id == doc_id(9))
        .context("doc 9 not found")?;
    let title = hit.highlights.get("title").cloned().unwrap_or_default();
    ensure!(
        title == "Low-temperature (&lt;-20 °C) <mark>sodium</mark>-ion battery <mark>cathode</mark> &amp; binder",
        "escaped title highlight {title:?}"
    );
    let r = index.search(&q("甘蔗收割机")).await?;
    ensure!(
        r.hits.iter().all(|h| h.highlights.is_empty()),
        "highlights returned without being asked for"
    );
    Ok(())
}

/// multi_search answers each query as search would.
pub async fn multi_search_matches_search(index: &dyn SearchIndex) -> anyhow::Result<()> {
    load_corpus(index).await?;
    let queries = vec![
        q("甘蔗"),
        q("durian"),
        filtered(Filters {
            kinds: vec![ListingKind::Need],
            ..Filters::default()
        }),
    ];
    let multi = index.multi_search(&queries).await?;
    ensure!(
        multi.len() == queries.len(),
        "multi_search returned {} result sets",
        multi.len()
    );
    for (query, got) in queries.iter().zip(&multi) {
        let single = index.search(query).await?;
        ensure!(
            ids(&single) == ids(got) && single.total == got.total,
            "multi_search differs for {query:?}"
        );
    }
    Ok(())
}

/// Matching retrieval: any word of any part finds a listing, only listings passing the
/// filters come back, best first, and a smaller limit keeps the head of the same ranking.
pub async fn retrieve_finds_any_word_within_filters(index: &dyn SearchIndex) -> anyhow::Result<()> {
    let docs = load_corpus(index).await?;
    let parts = vec![
        search::WeightedText {
            text: "甘蔗 收割机".into(),
            weight: 2.0,
            min_terms: 0,
        },
        search::WeightedText {
            text: "durian".into(),
            weight: 1.0,
            min_terms: 0,
        },
    ];
    let filters = Filters {
        kinds: vec![ListingKind::Achievement],
        ..Filters::default()
    };
    let query = search::RetrievalQuery {
        parts: parts.clone(),
        filters: filters.clone(),
        limit: 100,
        max_terms: 0,
    };
    let got = index.retrieve(&query).await?;
    let got_ids: BTreeSet<u128> = got.iter().map(|c| n_of(&c.id)).collect();
    // The union of each part searched alone, any word, with the same filters.
    let mut want: BTreeSet<u128> = BTreeSet::new();
    for p in &parts {
        let res = index
            .search(&SearchQuery {
                text: Some(p.text.clone()),
                filters: filters.clone(),
                limit: 100,
                match_any: true,
                ..SearchQuery::default()
            })
            .await?;
        want.extend(ids(&res));
    }
    ensure!(
        !want.is_empty(),
        "the corpus has achievements about sugarcane or durian"
    );
    ensure!(
        got_ids == want,
        "retrieve found {got_ids:?}, any-word search {want:?}"
    );
    for c in &got {
        let doc = docs
            .iter()
            .find(|d| d.id == c.id)
            .context("retrieved an unknown id")?;
        ensure!(
            reference_matches(doc, &filters),
            "doc {} fails the filters",
            n_of(&c.id)
        );
    }
    ensure!(
        got.windows(2).all(|w| w[0].score >= w[1].score),
        "not best first: {got:?}"
    );
    let head = index
        .retrieve(&search::RetrievalQuery { limit: 2, ..query })
        .await?;
    let head_ids: Vec<Uuid> = head.iter().map(|c| c.id).collect();
    let first_two: Vec<Uuid> = got.iter().take(2).map(|c| c.id).collect();
    ensure!(
        head_ids == first_two,
        "limit 2 gave {head_ids:?}, the full ranking starts {first_two:?}"
    );
    Ok(())
}

/// Every check, in order (for running the whole suite against one index).
pub async fn run_all(index: &dyn SearchIndex) -> anyhow::Result<()> {
    chinese_words_inside_text(index)
        .await
        .context("chinese_words_inside_text")?;
    thai_and_vietnamese_words(index)
        .await
        .context("thai_and_vietnamese_words")?;
    chinese_listing_found_through_translation(index)
        .await
        .context("chinese_listing_found_through_translation")?;
    title_outranks_description(index)
        .await
        .context("title_outranks_description")?;
    filters_are_exact(index)
        .await
        .context("filters_are_exact")?;
    facet_counts_are_exact(index)
        .await
        .context("facet_counts_are_exact")?;
    pagination_is_consistent(index)
        .await
        .context("pagination_is_consistent")?;
    sort_newest_and_deadline(index)
        .await
        .context("sort_newest_and_deadline")?;
    delete_removes(index).await.context("delete_removes")?;
    upsert_replaces(index).await.context("upsert_replaces")?;
    submitted_writes_apply_in_order(index)
        .await
        .context("submitted_writes_apply_in_order")?;
    highlights_mark_matches(index)
        .await
        .context("highlights_mark_matches")?;
    multi_search_matches_search(index)
        .await
        .context("multi_search_matches_search")?;
    retrieve_finds_any_word_within_filters(index)
        .await
        .context("retrieve_finds_any_word_within_filters")?;
    Ok(())
}

/// Vectors (a backend with a declared embedder, 4 dimensions): `nearest` ranks documents by
/// their best vector within the filters, a replace without vectors drops them, and a vector of
/// the wrong length finds nothing rather than failing.
pub async fn vectors_rank_by_meaning_within_filters(index: &dyn SearchIndex) -> anyhow::Result<()> {
    let docs = load_corpus(index).await?;
    let mut achievements = docs
        .iter()
        .filter(|d| d.kind == ListingKind::Achievement)
        .cloned();
    let mut take = |vectors: Vec<Vec<f32>>| -> anyhow::Result<SearchDoc> {
        let mut d = achievements.next().context("too few achievements")?;
        d.vectors = vectors;
        Ok(d)
    };
    let near = take(vec![vec![0.0, 0.0, 1.0, 0.0], vec![1.0, 0.0, 0.0, 0.0]])?;
    let middle = take(vec![vec![0.8, 0.6, 0.0, 0.0]])?;
    let far = take(vec![vec![0.0, 1.0, 0.0, 0.0]])?;
    let mut need = docs
        .iter()
        .find(|d| d.kind == ListingKind::Need)
        .cloned()
        .context("no need")?;
    need.vectors = vec![vec![1.0, 0.0, 0.0, 0.0]];
    index
        .upsert(vec![
            near.clone(),
            middle.clone(),
            far.clone(),
            need.clone(),
        ])
        .await?;
    let achievements_only = Filters {
        kinds: vec![ListingKind::Achievement],
        ..Filters::default()
    };
    let found = index
        .nearest(&[1.0, 0.0, 0.0, 0.0], &achievements_only, 10)
        .await?
        .context("this backend holds vectors")?;
    let order: Vec<Uuid> = found.iter().map(|(id, _)| *id).collect();
    ensure!(
        order == vec![near.id, middle.id, far.id],
        "nearest achievements by their best vector, need filtered out: got {order:?}"
    );
    ensure!(
        (found[0].1 - 1.0).abs() < 0.01 && (found[1].1 - 0.8).abs() < 0.01,
        "similarities are cosines: {found:?}"
    );
    // A replace without vectors: the listing is no longer found by meaning.
    let mut plain = near.clone();
    plain.vectors = Vec::new();
    index.upsert(vec![plain]).await?;
    let found = index
        .nearest(&[1.0, 0.0, 0.0, 0.0], &achievements_only, 10)
        .await?
        .unwrap_or_default();
    ensure!(
        found.first().map(|h| h.0) == Some(middle.id) && found.iter().all(|h| h.0 != near.id),
        "a replace without vectors drops them: {found:?}"
    );
    let wrong = index.nearest(&[1.0, 0.0], &achievements_only, 10).await?;
    ensure!(
        wrong.is_some_and(|w| w.is_empty()),
        "a vector of the wrong length finds nothing"
    );
    Ok(())
}
