//! Sample listings for the embedded mode's first start: fictional organisations in all 14
//! Guangxi cities and eight ASEAN countries, with several hundred published achievements
//! (科技成果), needs (技术需求) and open calls (揭榜挂帅), some written in Vietnamese, Thai,
//! Malay, Indonesian or English, and translations.
//!
//! Everything here is invented: every organisation's name ends in （示例） or "(sample)" and its
//! description says "示例数据 Sample data". Nothing is copied from real organisations or from the
//! evaluation data.
//!
//! [`generate`] is pure and deterministic (a seeded splitmix64 generator and hand-written
//! templates per industry field), so the same data appears on every first start; [`load`]
//! inserts it with `insert_many` in chunks, creating one member user per organisation.
//!
//! The demo university and enterprise of [`crate::sample`] own a handful of the generated
//! listings ([`demo_picks`]), so their logins see something under "my organisation".

use chrono::{Duration, NaiveDate, Utc};
use platform::auth::OrgRole;
use platform::entity::{achievements, listing_translations, needs, organisations};
use platform::identifiers::credit_code_check_char;
use platform::ids::{new_uuid, OrganisationId};
use platform::taxonomy;
use sea_orm::{DatabaseTransaction, EntityTrait, Set};

/// What [`load`] inserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SampleCounts {
    /// Organisations created (one member user each).
    pub organisations: usize,
    /// Published achievements, ASEAN ones included.
    pub achievements: usize,
    /// Published needs, open calls and ASEAN ones included.
    pub needs: usize,
    /// Needs of kind `open_call` (揭榜挂帅).
    pub open_calls: usize,
    /// Achievements and needs owned by ASEAN organisations.
    pub asean_listings: usize,
    /// Rows in `listing_translations`.
    pub translations: usize,
}

/// The whole sample data set, before ids and timestamps are assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleData {
    pub organisations: Vec<OrgSeed>,
    pub achievements: Vec<AchievementSeed>,
    pub needs: Vec<NeedSeed>,
    pub translations: Vec<TranslationSeed>,
}

/// A fictional organisation and its one contact user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSeed {
    pub slug: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    /// `university`, `institute` or `enterprise`.
    pub kind: &'static str,
    /// `CN` or an ASEAN ISO code.
    pub country: &'static str,
    /// GB/T 2260 city code, or the ASEAN country code.
    pub region_code: &'static str,
    /// Valid unified social credit code (Chinese organisations only).
    pub credit_code: Option<String>,
    pub state_funded: bool,
    /// Contact person's display name (also the user's display name).
    pub contact_name: String,
    /// Login e-mail of the organisation's member user.
    pub email: String,
}

/// A price or budget: a range in minor units of `currency`, or negotiable (all `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Price {
    pub min_minor: Option<i64>,
    pub max_minor: Option<i64>,
    pub currency: Option<String>,
    pub negotiable: bool,
}

/// The text of a listing (or of a translation) in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingText {
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub keywords: Vec<String>,
}

/// When a listing was created, submitted and published, relative to the moment of loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Minutes between publication and now (at most 180 days).
    pub published_minutes_ago: i64,
    /// Minutes between submission and publication.
    pub review_minutes: i64,
    /// Minutes between creation and submission.
    pub drafting_minutes: i64,
}

/// A published achievement (科技成果); `org` indexes [`SampleData::organisations`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AchievementSeed {
    pub org: usize,
    pub text: ListingText,
    pub industry: String,
    pub ipc_codes: Vec<String>,
    pub ip_type: String,
    pub ip_numbers: Vec<String>,
    pub patent_status: Option<String>,
    pub trl: i16,
    pub cooperation_modes: Vec<String>,
    pub price: Price,
    pub cross_border: bool,
    pub valid_until: NaiveDate,
    pub timing: Timing,
}

/// A published need (技术需求) or open call (揭榜挂帅); `org` indexes
/// [`SampleData::organisations`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedSeed {
    pub org: usize,
    /// `need` or `open_call`.
    pub kind: String,
    pub text: ListingText,
    pub industry: String,
    pub ipc_codes: Vec<String>,
    pub min_trl: i16,
    pub budget: Price,
    pub cooperation_modes: Vec<String>,
    pub deadline: Option<NaiveDate>,
    pub bounty_minor: Option<i64>,
    pub bounty_currency: Option<String>,
    pub eligibility: Option<String>,
    pub cross_border: bool,
    pub valid_until: NaiveDate,
    pub timing: Timing,
}

/// Which listing a translation belongs to (index into achievements or needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingRef {
    Achievement(usize),
    Need(usize),
}

/// A translation of a listing into `text.language`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationSeed {
    pub listing: ListingRef,
    pub text: ListingText,
    /// `human` or `machine`.
    pub provenance: &'static str,
}

// ---------------------------------------------------------------------------------------------
// Deterministic generator

/// Fixed seed: the sample data must be the same on every first start.
const SEED: u64 = 0x7EC4_3A2B_4E7C_0451;

/// splitmix64: tiny, fast and good enough for sample data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`0` when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// `k` distinct items (fewer if `items` is shorter), in random order.
    fn sample<T: Copy>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut pool: Vec<T> = items.to_vec();
        self.shuffle(&mut pool);
        pool.truncate(k);
        pool
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Organisations

/// A Chinese sample organisation: `focus` lists the industry codes it posts in; `intro` says
/// what an enterprise does (used in its needs).
struct CnOrg {
    slug: &'static str,
    name: &'static str,
    name_en: &'static str,
    kind: &'static str,
    city: &'static str,
    focus: &'static [&'static str],
    intro: &'static str,
}

const fn cn(
    slug: &'static str,
    name: &'static str,
    name_en: &'static str,
    kind: &'static str,
    city: &'static str,
    focus: &'static [&'static str],
    intro: &'static str,
) -> CnOrg {
    CnOrg {
        slug,
        name,
        name_en,
        kind,
        city,
        focus,
        intro,
    }
}

const U: &str = "university";
const I: &str = "institute";
const E: &str = "enterprise";

const CN_ORGS: &[CnOrg] = &[
    // 南宁 Nanning
    cn(
        "yongjiang-university",
        "邕江大学（示例）",
        "Yongjiang University (sample)",
        U,
        "450100",
        &[
            "electronic_information",
            "artificial_intelligence",
            "biomedicine",
            "smart_city",
            "bio_breeding",
            "ecology_carbon_neutrality",
        ],
        "",
    ),
    cn(
        "nanning-agri-academy",
        "南宁现代农业科学研究院（示例）",
        "Nanning Academy of Modern Agriculture (sample)",
        I,
        "450100",
        &["modern_agriculture", "bio_breeding", "health_elderly_care"],
        "",
    ),
    cn(
        "nanning-asean-digital",
        "南宁东盟数字技术研究院（示例）",
        "Nanning ASEAN Digital Technology Institute (sample)",
        I,
        "450100",
        &[
            "artificial_intelligence",
            "5g_equipment",
            "smart_city",
            "public_safety",
        ],
        "",
    ),
    cn(
        "qingxiu-smartcity",
        "南宁青秀智慧城市科技有限公司（示例）",
        "Nanning Qingxiu Smart City Technology Co. (sample)",
        E,
        "450100",
        &["smart_city", "public_safety", "artificial_intelligence"],
        "主营城市数字化管理平台与智慧社区系统集成",
    ),
    cn(
        "yongning-pharma",
        "南宁邕宁生物制药有限公司（示例）",
        "Nanning Yongning Biopharmaceutical Co. (sample)",
        E,
        "450100",
        &["biomedicine", "health_elderly_care"],
        "主营中成药与民族药制剂的研发和生产",
    ),
    // 柳州 Liuzhou
    cn(
        "liuzhou-nev-institute",
        "柳州新能源汽车研究院（示例）",
        "Liuzhou New Energy Vehicle Research Institute (sample)",
        I,
        "450200",
        &[
            "new_energy_vehicles",
            "automotive",
            "hydrogen_energy_storage",
            "third_gen_semiconductors",
        ],
        "",
    ),
    cn(
        "liuzhou-machinery-institute",
        "柳州工程机械技术研究院（示例）",
        "Liuzhou Construction Machinery Technology Institute (sample)",
        I,
        "450200",
        &[
            "machinery",
            "high_end_equipment",
            "advanced_metal_materials",
        ],
        "",
    ),
    cn(
        "longcheng-auto-parts",
        "柳州龙城汽车零部件有限公司（示例）",
        "Liuzhou Longcheng Auto Parts Co. (sample)",
        E,
        "450200",
        &["automotive", "new_energy_vehicles"],
        "主营汽车底盘与车身零部件制造",
    ),
    cn(
        "liubei-precision",
        "柳州柳北精密机械有限公司（示例）",
        "Liuzhou Liubei Precision Machinery Co. (sample)",
        E,
        "450200",
        &["machinery", "high_end_equipment"],
        "主营工程机械液压件与精密传动部件制造",
    ),
    // 桂林 Guilin
    cn(
        "lijiang-tech-university",
        "漓江理工大学（示例）",
        "Lijiang University of Technology (sample)",
        U,
        "450300",
        &[
            "electronic_information",
            "5g_equipment",
            "third_gen_semiconductors",
            "frontier_materials",
            "artificial_intelligence",
            "public_safety",
            "green_home_furnishing",
        ],
        "",
    ),
    cn(
        "lidong-medical-college",
        "桂林漓东医学院（示例）",
        "Guilin Lidong Medical College (sample)",
        U,
        "450300",
        &["biomedicine", "health_elderly_care", "bio_breeding"],
        "",
    ),
    cn(
        "lijiang-optoelectronics",
        "桂林漓江光电科技有限公司（示例）",
        "Guilin Lijiang Optoelectronics Co. (sample)",
        E,
        "450300",
        &[
            "electronic_information",
            "5g_equipment",
            "third_gen_semiconductors",
        ],
        "主营光通信器件与射频模组的研发制造",
    ),
    cn(
        "qixing-biotech",
        "桂林七星生物科技有限公司（示例）",
        "Guilin Qixing Biotechnology Co. (sample)",
        E,
        "450300",
        &["biomedicine", "health_elderly_care", "modern_agriculture"],
        "主营罗汉果等特色植物提取物的研发和生产",
    ),
    // 梧州 Wuzhou
    cn(
        "wuzhou-tea-institute",
        "梧州六堡茶研究所（示例）",
        "Wuzhou Liupao Tea Research Institute (sample)",
        I,
        "450400",
        &["modern_agriculture", "health_elderly_care", "bio_breeding"],
        "",
    ),
    cn(
        "xijiang-recycling",
        "梧州西江再生资源有限公司（示例）",
        "Wuzhou Xijiang Recycling Co. (sample)",
        E,
        "450400",
        &["ecology_carbon_neutrality", "advanced_metal_materials"],
        "主营再生铜、再生铝回收与精深加工",
    ),
    cn(
        "cangwu-tea",
        "梧州苍梧茶业有限公司（示例）",
        "Wuzhou Cangwu Tea Co. (sample)",
        E,
        "450400",
        &["modern_agriculture", "health_elderly_care", "bio_breeding"],
        "主营六堡茶种植、加工与销售",
    ),
    // 北海 Beihai
    cn(
        "beibu-marine-academy",
        "北部湾海洋科学研究院（示例）",
        "Beibu Gulf Academy of Marine Sciences (sample)",
        I,
        "450500",
        &["marine", "deep_earth_sea", "ecology_carbon_neutrality"],
        "",
    ),
    cn(
        "yintan-electronics",
        "北海银滩电子信息有限公司（示例）",
        "Beihai Yintan Electronics Co. (sample)",
        E,
        "450500",
        &[
            "electronic_information",
            "artificial_intelligence",
            "5g_equipment",
        ],
        "主营智能终端与电子元器件制造",
    ),
    cn(
        "weizhou-marine-bio",
        "北海涠洲海洋生物有限公司（示例）",
        "Beihai Weizhou Marine Biotech Co. (sample)",
        E,
        "450500",
        &["marine", "biomedicine", "deep_earth_sea"],
        "主营水产品精深加工与海洋生物制品",
    ),
    // 防城港 Fangchenggang
    cn(
        "fcg-port-engineering",
        "防城港港口工程技术研究院（示例）",
        "Fangchenggang Port Engineering Institute (sample)",
        I,
        "450600",
        &[
            "deep_earth_sea",
            "marine",
            "high_end_equipment",
            "advanced_metal_materials",
        ],
        "",
    ),
    cn(
        "fcg-steel-materials",
        "防城港北部湾钢铁新材料有限公司（示例）",
        "Fangchenggang Beibu Gulf Steel Materials Co. (sample)",
        E,
        "450600",
        &[
            "advanced_metal_materials",
            "ecology_carbon_neutrality",
            "hydrogen_energy_storage",
        ],
        "主营钢铁冶炼与特种钢材加工",
    ),
    cn(
        "jinhuacha-biotech",
        "防城港金花茶生物科技有限公司（示例）",
        "Fangchenggang Golden Camellia Biotech Co. (sample)",
        E,
        "450600",
        &["biomedicine", "modern_agriculture", "health_elderly_care"],
        "主营金花茶种植与深加工产品研发",
    ),
    // 钦州 Qinzhou
    cn(
        "qinzhou-petrochem-institute",
        "钦州北部湾石化技术研究院（示例）",
        "Qinzhou Beibu Gulf Petrochemical Technology Institute (sample)",
        I,
        "450700",
        &[
            "green_petrochemicals",
            "hydrogen_energy_storage",
            "frontier_materials",
            "ecology_carbon_neutrality",
        ],
        "",
    ),
    cn(
        "qinzhou-green-chem",
        "钦州港绿色化工有限公司（示例）",
        "Qinzhou Port Green Chemicals Co. (sample)",
        E,
        "450700",
        &["green_petrochemicals", "ecology_carbon_neutrality"],
        "主营炼化一体化下游精细化学品生产",
    ),
    cn(
        "nixing-pottery",
        "钦州坭兴陶家居用品有限公司（示例）",
        "Qinzhou Nixing Pottery Homeware Co. (sample)",
        E,
        "450700",
        &["green_home_furnishing"],
        "主营坭兴陶日用与装饰陶瓷家居制品",
    ),
    // 贵港 Guigang
    cn(
        "gangnan-ev-institute",
        "贵港港南电动车技术研究院（示例）",
        "Guigang Gangnan Electric Vehicle Technology Institute (sample)",
        I,
        "450800",
        &[
            "new_energy_vehicles",
            "hydrogen_energy_storage",
            "automotive",
        ],
        "",
    ),
    cn(
        "qintang-sugar",
        "贵港覃塘糖业有限公司（示例）",
        "Guigang Qintang Sugar Co. (sample)",
        E,
        "450800",
        &["modern_agriculture", "ecology_carbon_neutrality"],
        "主营甘蔗制糖及糖蜜、蔗渣综合利用",
    ),
    cn(
        "hecheng-ev",
        "贵港荷城电动车制造有限公司（示例）",
        "Guigang Hecheng Electric Vehicle Co. (sample)",
        E,
        "450800",
        &["new_energy_vehicles", "automotive"],
        "主营电动两轮车与电动三轮车整车制造",
    ),
    // 玉林 Yulin
    cn(
        "yulin-engine-institute",
        "玉林内燃机技术研究院（示例）",
        "Yulin Internal Combustion Engine Institute (sample)",
        I,
        "450900",
        &[
            "machinery",
            "automotive",
            "hydrogen_energy_storage",
            "high_end_equipment",
        ],
        "",
    ),
    cn(
        "beiliu-power",
        "玉林北流动力机械有限公司（示例）",
        "Yulin Beiliu Power Machinery Co. (sample)",
        E,
        "450900",
        &["machinery", "automotive"],
        "主营中小功率柴油机及动力总成配套件",
    ),
    cn(
        "yulin-herbal-slices",
        "玉林南药饮片有限公司（示例）",
        "Yulin Southern Herbal Slices Co. (sample)",
        E,
        "450900",
        &["biomedicine", "health_elderly_care"],
        "主营中药饮片加工与南药材初加工",
    ),
    // 百色 Baise
    cn(
        "youjiang-aluminium-institute",
        "百色右江铝业技术研究院（示例）",
        "Baise Youjiang Aluminium Technology Institute (sample)",
        I,
        "451000",
        &[
            "advanced_metal_materials",
            "ecology_carbon_neutrality",
            "frontier_materials",
            "green_home_furnishing",
        ],
        "",
    ),
    cn(
        "tianyang-mango",
        "百色田阳芒果产业有限公司（示例）",
        "Baise Tianyang Mango Industry Co. (sample)",
        E,
        "451000",
        &["modern_agriculture", "bio_breeding"],
        "主营芒果种植、采后处理与果干加工",
    ),
    cn(
        "pingguo-aluminium",
        "百色平果铝材加工有限公司（示例）",
        "Baise Pingguo Aluminium Processing Co. (sample)",
        E,
        "451000",
        &["advanced_metal_materials", "green_home_furnishing"],
        "主营铝型材与铝板带加工",
    ),
    // 贺州 Hezhou
    cn(
        "hezhou-caco3-institute",
        "贺州碳酸钙产业研究院（示例）",
        "Hezhou Calcium Carbonate Industry Institute (sample)",
        I,
        "451100",
        &[
            "calcium_carbonate",
            "frontier_materials",
            "green_home_furnishing",
        ],
        "",
    ),
    cn(
        "pinggui-caco3",
        "贺州平桂碳酸钙新材料有限公司（示例）",
        "Hezhou Pinggui Calcium Carbonate Materials Co. (sample)",
        E,
        "451100",
        &["calcium_carbonate", "green_petrochemicals"],
        "主营重质与轻质碳酸钙粉体生产",
    ),
    cn(
        "fuchuan-stone-home",
        "贺州富川石材家居有限公司（示例）",
        "Hezhou Fuchuan Stone Homeware Co. (sample)",
        E,
        "451100",
        &["green_home_furnishing", "calcium_carbonate"],
        "主营人造岗石与石材家居制品",
    ),
    // 河池 Hechi
    cn(
        "hechi-nonferrous-institute",
        "河池有色金属研究所（示例）",
        "Hechi Non-ferrous Metals Research Institute (sample)",
        I,
        "451200",
        &[
            "advanced_metal_materials",
            "deep_earth_sea",
            "ecology_carbon_neutrality",
        ],
        "",
    ),
    cn(
        "nandan-tin-indium",
        "河池南丹锡铟材料有限公司（示例）",
        "Hechi Nandan Tin and Indium Materials Co. (sample)",
        E,
        "451200",
        &[
            "advanced_metal_materials",
            "third_gen_semiconductors",
            "frontier_materials",
            "deep_earth_sea",
        ],
        "主营锡、铟等有色金属冶炼与深加工",
    ),
    cn(
        "yizhou-silk",
        "河池宜州蚕丝有限公司（示例）",
        "Hechi Yizhou Silk Co. (sample)",
        E,
        "451200",
        &["modern_agriculture", "green_home_furnishing"],
        "主营桑蚕养殖与蚕丝被等丝绸家居制品",
    ),
    // 来宾 Laibin
    cn(
        "laibin-industrial-institute",
        "来宾工业技术研究院（示例）",
        "Laibin Industrial Technology Institute (sample)",
        I,
        "451300",
        &[
            "ecology_carbon_neutrality",
            "hydrogen_energy_storage",
            "green_petrochemicals",
            "advanced_metal_materials",
            "calcium_carbonate",
        ],
        "",
    ),
    cn(
        "xiangzhou-storage",
        "来宾象州电力储能有限公司（示例）",
        "Laibin Xiangzhou Power Storage Co. (sample)",
        E,
        "451300",
        &["hydrogen_energy_storage", "ecology_carbon_neutrality"],
        "主营电化学储能电站建设与运维",
    ),
    cn(
        "wuxuan-sugar",
        "来宾武宣糖业有限公司（示例）",
        "Laibin Wuxuan Sugar Co. (sample)",
        E,
        "451300",
        &["modern_agriculture", "ecology_carbon_neutrality"],
        "主营甘蔗制糖与蔗渣综合利用",
    ),
    // 崇左 Chongzuo
    cn(
        "chongzuo-agri-institute",
        "崇左东盟跨境农业研究院（示例）",
        "Chongzuo China-ASEAN Cross-border Agriculture Institute (sample)",
        I,
        "451400",
        &[
            "modern_agriculture",
            "bio_breeding",
            "ecology_carbon_neutrality",
        ],
        "",
    ),
    cn(
        "pingxiang-logistics",
        "崇左凭祥跨境物流科技有限公司（示例）",
        "Chongzuo Pingxiang Cross-border Logistics Technology Co. (sample)",
        E,
        "451400",
        &["smart_city", "public_safety", "artificial_intelligence"],
        "主营跨境物流与口岸通关数字化服务",
    ),
    cn(
        "fusui-cane-machinery",
        "崇左扶绥甘蔗机械有限公司（示例）",
        "Chongzuo Fusui Sugarcane Machinery Co. (sample)",
        E,
        "451400",
        &["modern_agriculture", "machinery", "high_end_equipment"],
        "主营甘蔗种植与收获机械制造",
    ),
];

/// An ASEAN sample organisation; its listings are written in `language`.
struct AseanOrg {
    slug: &'static str,
    name: &'static str,
    name_en: &'static str,
    kind: &'static str,
    country: &'static str,
    contact: &'static str,
}

const ASEAN_ORGS: &[AseanOrg] = &[
    AseanOrg {
        slug: "red-river-agrimech",
        name: "Viện Cơ điện Nông nghiệp Sông Hồng (sample)",
        name_en: "Red River Institute of Agricultural Mechanisation (sample)",
        kind: I,
        country: "VN",
        contact: "Trần Minh Đức (sample)",
    },
    AseanOrg {
        slug: "cuulong-agro",
        name: "Công ty Cổ phần Chế biến Nông sản Cửu Long (sample)",
        name_en: "Cuu Long Agro-Processing JSC (sample)",
        kind: E,
        country: "VN",
        contact: "Lê Thị Hoa (sample)",
    },
    AseanOrg {
        slug: "isan-cassava-rubber",
        name: "สถาบันวิจัยมันสำปะหลังและยางพาราอีสาน (sample)",
        name_en: "Isan Cassava and Rubber Research Institute (sample)",
        kind: I,
        country: "TH",
        contact: "Somchai Wongsa (sample)",
    },
    AseanOrg {
        slug: "chaophraya-foodtech",
        name: "บริษัท เจ้าพระยา ฟู้ดเทค จำกัด (sample)",
        name_en: "Chao Phraya Food Tech Co., Ltd. (sample)",
        kind: E,
        country: "TH",
        contact: "Malee Srisuk (sample)",
    },
    AseanOrg {
        slug: "ec-utech",
        name: "Universiti Teknologi Pantai Timur (sample)",
        name_en: "East Coast University of Technology (sample)",
        kind: U,
        country: "MY",
        contact: "Dr. Aminah Yusof (sample)",
    },
    AseanOrg {
        slug: "selangor-palm",
        name: "Syarikat Inovasi Sawit Selangor Sdn. Bhd. (sample)",
        name_en: "Selangor Palm Innovation Sdn. Bhd. (sample)",
        kind: E,
        country: "MY",
        contact: "Ahmad Faizal (sample)",
    },
    AseanOrg {
        slug: "nusantara-fisheries",
        name: "Institut Riset Perikanan Nusantara (sample)",
        name_en: "Nusantara Fisheries Research Institute (sample)",
        kind: I,
        country: "ID",
        contact: "Dewi Lestari (sample)",
    },
    AseanOrg {
        slug: "sumatra-green-rubber",
        name: "PT Karet Hijau Sumatera (sample)",
        name_en: "Sumatra Green Rubber Ltd. (sample)",
        kind: E,
        country: "ID",
        contact: "Budi Santoso (sample)",
    },
    AseanOrg {
        slug: "lioncity-urbantech",
        name: "Lion City Urban Tech Pte. Ltd. (sample)",
        name_en: "Lion City Urban Tech Pte. Ltd. (sample)",
        kind: E,
        country: "SG",
        contact: "Tan Wei Ming (sample)",
    },
    AseanOrg {
        slug: "visayas-coconut",
        name: "Visayas Coconut Innovation Center (sample)",
        name_en: "Visayas Coconut Innovation Center (sample)",
        kind: I,
        country: "PH",
        contact: "Maria Santos (sample)",
    },
    AseanOrg {
        slug: "tonlesap-rice",
        name: "Tonle Sap Rice Technology Co., Ltd. (sample)",
        name_en: "Tonle Sap Rice Technology Co., Ltd. (sample)",
        kind: E,
        country: "KH",
        contact: "Sok Dara (sample)",
    },
    AseanOrg {
        slug: "vientiane-rural-dev",
        name: "Vientiane Institute of Rural Development (sample)",
        name_en: "Vientiane Institute of Rural Development (sample)",
        kind: I,
        country: "LA",
        contact: "Souksavanh Phommachanh (sample)",
    },
];

/// Common surnames in Guangxi (including Zhuang ones), for invented contact names.
const SURNAMES: &[&str] = &[
    "韦", "覃", "黄", "李", "陆", "梁", "莫", "蒙", "农", "陈", "王", "刘", "廖", "蓝",
];

/// The 17 characters before the check character of an invented credit code.
fn credit_code_body(kind: &str, city: &str, n: usize) -> String {
    // 12 = 机构编制/事业单位 (universities, institutes); 91 = 市场监管/企业.
    let (prefix, org) = if kind == E {
        ("91", "MA")
    } else {
        ("12", "MB")
    };
    format!("{prefix}{city}{org}{:07}", 4_510_000 + n)
}

fn organisations() -> Vec<OrgSeed> {
    let mut out = Vec::with_capacity(CN_ORGS.len() + ASEAN_ORGS.len());
    for (i, o) in CN_ORGS.iter().enumerate() {
        let body = credit_code_body(o.kind, o.city, i + 1);
        let credit_code = credit_code_check_char(&body).map(|c| format!("{body}{c}"));
        let surname = SURNAMES[i % SURNAMES.len()];
        let title = if o.kind == E {
            if i % 2 == 0 {
                "经理"
            } else {
                "工程师"
            }
        } else {
            "老师"
        };
        out.push(OrgSeed {
            slug: o.slug,
            name: o.name,
            name_en: o.name_en,
            kind: o.kind,
            country: "CN",
            region_code: o.city,
            credit_code,
            state_funded: o.kind != E,
            contact_name: format!("{surname}{title}（示例）"),
            email: format!("contact+{}@{}.sample", i + 1, o.slug),
        });
    }
    for (j, o) in ASEAN_ORGS.iter().enumerate() {
        let n = CN_ORGS.len() + j + 1;
        out.push(OrgSeed {
            slug: o.slug,
            name: o.name,
            name_en: o.name_en,
            kind: o.kind,
            country: o.country,
            region_code: o.country,
            credit_code: None,
            state_funded: o.kind != E,
            contact_name: o.contact.to_owned(),
            email: format!("contact+{n}@{}.sample", o.slug),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Templates per industry field

/// A technology subject within an industry: `name` is an action noun phrase that fits every
/// title pattern; `core` is a clause on how it works; `result` has one `{n}` placeholder for a
/// percentage; `ip` is the pool of IP types it is usually protected by.
struct Subject {
    name: &'static str,
    core: &'static str,
    result: &'static str,
    ipc: &'static [&'static str],
    keywords: &'static [&'static str],
    ip: &'static [&'static str],
}

const fn s(
    name: &'static str,
    core: &'static str,
    result: &'static str,
    ipc: &'static [&'static str],
    keywords: &'static [&'static str],
    ip: &'static [&'static str],
) -> Subject {
    Subject {
        name,
        core,
        result,
        ipc,
        keywords,
        ip,
    }
}

/// Templates for one industry field: subjects, application settings (`contexts`, fit after
/// 面向/适用于), typical problems (`pains`) and extra keywords.
struct Industry {
    code: &'static str,
    subjects: &'static [Subject],
    contexts: &'static [&'static str],
    pains: &'static [&'static str],
    extra_keywords: &'static [&'static str],
}

/// IP pools.
const PAT: &[&str] = &[
    "invention_patent",
    "invention_patent",
    "invention_patent",
    "utility_model",
];
const PAT_KH: &[&str] = &[
    "invention_patent",
    "invention_patent",
    "invention_patent",
    "know_how",
];
const SW: &[&str] = &[
    "software_copyright",
    "software_copyright",
    "invention_patent",
];
const PV: &[&str] = &["plant_variety", "plant_variety", "invention_patent"];
const ANI: &[&str] = &["invention_patent", "know_how"];
const IC: &[&str] = &["invention_patent", "invention_patent", "ic_layout"];
const DES: &[&str] = &["invention_patent", "utility_model", "design"];

const INDUSTRY_TEMPLATES: &[Industry] = &[
    Industry {
        code: "automotive",
        subjects: &[
            s(
                "汽车大型结构件一体化压铸",
                "采用高真空压铸与免热处理铝合金，实现后地板等大型结构件一体成形",
                "零件数量减少{n}%",
                &["B22D 17/00", "B62D 25/20"],
                &["一体化压铸", "免热处理铝合金", "车身轻量化"],
                PAT,
            ),
            s(
                "商用车空气悬架电控调节",
                "通过车身高度传感与电磁阀协同控制，实现车身高度和阻尼的自适应调节",
                "整车侧倾角降低{n}%",
                &["B60G 17/015"],
                &["空气悬架", "底盘电控", "乘坐舒适性"],
                PAT,
            ),
            s(
                "汽车自动紧急制动控制",
                "融合毫米波雷达与摄像头目标识别，按碰撞时间分级预警并触发制动",
                "追尾事故风险降低{n}%",
                &["B60T 7/22", "B60W 30/09"],
                &["自动紧急制动", "传感器融合", "主动安全"],
                PAT,
            ),
            s(
                "车身焊装质量在线检测",
                "利用激光视觉测量焊点位置和车身间隙面差，在线判定焊装质量",
                "检测效率提高{n}%",
                &["G01B 11/14", "B23K 31/12"],
                &["焊装", "机器视觉", "在线检测"],
                PAT,
            ),
            s(
                "车用线控转向控制",
                "采用双冗余转向电机与故障诊断策略，以电信号连接方向盘与转向轮",
                "转向响应时间缩短{n}%",
                &["B62D 5/04", "B62D 6/00"],
                &["线控转向", "冗余控制", "智能底盘"],
                PAT,
            ),
        ],
        contexts: &["整车制造企业", "汽车零部件生产线", "微型车与商用车车型开发"],
        pains: &[
            "关键零部件性能与国外先进水平存在差距",
            "产品开发周期长、验证成本高",
            "质量一致性有待提高",
        ],
        extra_keywords: &["汽车零部件", "整车集成", "智能制造"],
    },
    Industry {
        code: "machinery",
        subjects: &[
            s(
                "非道路柴油机高压共轨燃油喷射",
                "优化喷油器针阀结构与多次喷射控制策略，改善缸内燃烧过程",
                "燃油消耗率降低{n}%",
                &["F02M 47/02", "F02D 41/40"],
                &["高压共轨", "柴油机", "燃油喷射"],
                PAT,
            ),
            s(
                "柴油机尾气后处理",
                "采用氧化催化、颗粒捕集与选择性催化还原集成后处理，并对尿素喷射进行闭环控制",
                "氮氧化物排放降低{n}%",
                &["F01N 3/20", "F01N 3/035"],
                &["后处理", "颗粒捕集", "选择性催化还原"],
                PAT,
            ),
            s(
                "装载机液压节能控制",
                "采用负载敏感变量泵与电液比例控制，按工况匹配流量与压力",
                "作业油耗降低{n}%",
                &["E02F 9/22", "F15B 11/16"],
                &["装载机", "负载敏感", "液压节能"],
                PAT,
            ),
            s(
                "挖掘机远程智能运维",
                "通过车载终端采集发动机与液压系统运行数据，结合故障模型实现预测性维护",
                "非计划停机时间减少{n}%",
                &["E02F 9/26", "G07C 5/08"],
                &["工程机械", "远程运维", "故障预测"],
                SW,
            ),
            s(
                "压路机智能压实控制",
                "基于振动加速度实时计算压实度指标，自动调节振幅与行驶速度",
                "压实遍数减少{n}%",
                &["E01C 19/28"],
                &["压路机", "智能压实", "振动控制"],
                PAT,
            ),
        ],
        contexts: &[
            "工程机械整机企业",
            "内燃机及动力总成生产",
            "农机与发电机组配套",
        ],
        pains: &[
            "能耗和排放指标面临升级压力",
            "关键部件性能和可靠性不足",
            "运维依赖人工经验",
        ],
        extra_keywords: &["内燃机", "工程机械", "节能减排"],
    },
    Industry {
        code: "electronic_information",
        subjects: &[
            s(
                "柔性电路板精细线路激光成像",
                "采用半加成工艺与激光直接成像，实现线宽线距30微米的精细线路",
                "良品率提高{n}%",
                &["H05K 3/10", "H05K 3/00"],
                &["柔性电路板", "半加成", "激光直接成像"],
                PAT,
            ),
            s(
                "触控显示模组真空全贴合",
                "采用光学胶全贴合与真空压合工艺，减少气泡与偏位",
                "贴合不良率降低{n}%",
                &["G06F 3/041", "G02F 1/1333"],
                &["触控模组", "全贴合", "显示面板"],
                PAT,
            ),
            s(
                "工业物联网边缘数据采集",
                "支持多种现场总线协议转换与边缘数据预处理，实现设备数据统一接入",
                "数据采集延迟降低{n}%",
                &["H04L 67/12", "H04L 12/66"],
                &["边缘计算", "工业物联网", "协议转换"],
                SW,
            ),
            s(
                "北斗高精度组合定位",
                "融合北斗多频载波相位观测与惯性导航，实现复杂环境下厘米级定位",
                "遮挡环境定位误差降低{n}%",
                &["G01S 19/43", "G01S 19/47"],
                &["北斗", "高精度定位", "组合导航"],
                PAT,
            ),
            s(
                "电子元器件自动光学检测",
                "基于深度学习的缺陷识别算法，对贴片元件焊点进行自动光学检测",
                "漏检率降低{n}%",
                &["G01N 21/956", "G06T 7/00"],
                &["自动光学检测", "缺陷识别", "表面贴装"],
                SW,
            ),
        ],
        contexts: &["电子制造服务企业", "智能终端生产线", "工业现场与园区"],
        pains: &[
            "产品性能与国外同类产品存在差距",
            "生产效率和良率有待提升",
            "关键环节依赖人工",
        ],
        extra_keywords: &["电子制造", "数字化", "智能终端"],
    },
    Industry {
        code: "advanced_metal_materials",
        subjects: &[
            s(
                "高强韧铝合金型材挤压",
                "通过微合金化与在线淬火工艺控制，提升6系铝合金型材的强度与韧性",
                "抗拉强度提高{n}%",
                &["C22C 21/08", "C22F 1/05", "B21C 23/00"],
                &["铝合金", "挤压", "热处理"],
                PAT_KH,
            ),
            s(
                "高镍三元前驱体共沉淀制备",
                "采用连续共沉淀与精确控氨工艺，制备粒径均匀的高镍三元前驱体",
                "振实密度提高{n}%",
                &["C01G 53/00", "H01M 4/525"],
                &["三元前驱体", "共沉淀", "锂电材料"],
                PAT_KH,
            ),
            s(
                "高纯铟真空蒸馏提纯",
                "采用电解精炼与真空蒸馏联合工艺，去除铟中的锡、铅等杂质",
                "杂质含量降低{n}%",
                &["C22B 58/00", "C22B 9/04"],
                &["高纯铟", "真空蒸馏", "电解精炼"],
                PAT_KH,
            ),
            s(
                "钕铁硼磁体晶界扩散",
                "在钕铁硼磁体表面涂覆重稀土并进行晶界扩散处理，提高矫顽力",
                "重稀土用量减少{n}%",
                &["H01F 41/02", "H01F 1/057"],
                &["钕铁硼", "晶界扩散", "稀土永磁"],
                PAT,
            ),
            s(
                "耐候钢板控轧控冷",
                "采用低碳微合金成分设计与控轧控冷工艺，提高钢板耐大气腐蚀性能",
                "腐蚀速率降低{n}%",
                &["C21D 8/02", "C22C 38/42"],
                &["耐候钢", "控轧控冷", "微合金化"],
                PAT_KH,
            ),
        ],
        contexts: &["铝加工产业园", "有色金属冶炼企业", "钢铁与新材料生产线"],
        pains: &[
            "产品附加值低、同质化严重",
            "能耗高、质量控制难",
            "高端产品依赖进口",
        ],
        extra_keywords: &["有色金属", "新材料", "精深加工"],
    },
    Industry {
        code: "green_petrochemicals",
        subjects: &[
            s(
                "炼化碳四资源综合利用",
                "通过选择性加氢与醚化工艺，将混合碳四转化为高附加值化学品",
                "产品附加值提高{n}%",
                &["C07C 5/02", "C07C 41/06"],
                &["碳四", "选择性加氢", "醚化"],
                PAT_KH,
            ),
            s(
                "高熔指聚丙烯催化合成",
                "开发高立构规整性的钛系催化剂，用于高熔指聚丙烯生产",
                "催化活性提高{n}%",
                &["C08F 110/06", "C08F 4/64"],
                &["聚丙烯", "催化剂", "高熔指"],
                PAT_KH,
            ),
            s(
                "炼化废水深度处理与回用",
                "采用臭氧催化氧化与膜生物反应器组合工艺，实现含油废水达标回用",
                "废水回用率提高{n}%",
                &["C02F 9/00", "C02F 1/78"],
                &["废水回用", "臭氧催化氧化", "膜生物反应器"],
                PAT,
            ),
            s(
                "生物基可降解聚酯合成",
                "以生物基丁二酸等为原料，经缩聚合成可降解聚酯",
                "生产成本降低{n}%",
                &["C08G 63/16", "C08L 67/02"],
                &["可降解塑料", "生物基", "聚酯"],
                PAT_KH,
            ),
            s(
                "储运环节挥发性有机物回收",
                "采用冷凝与吸附组合工艺，回收储罐与装卸环节的挥发性有机物",
                "回收率提高{n}%",
                &["B01D 53/04", "B01D 5/00"],
                &["挥发性有机物", "油气回收", "吸附"],
                PAT,
            ),
        ],
        contexts: &["石化园区", "炼化一体化装置", "精细化工企业"],
        pains: &[
            "产业链延伸不足、产品附加值低",
            "能耗与排放约束趋紧",
            "关键技术依赖外部",
        ],
        extra_keywords: &["石化", "精细化工", "绿色低碳"],
    },
    Industry {
        code: "green_home_furnishing",
        subjects: &[
            s(
                "人造板无醛胶黏剂制备",
                "以改性大豆蛋白胶替代脲醛树脂，制备无醛添加人造板",
                "甲醛释放量降低{n}%",
                &["C09J 189/00", "B27N 3/00"],
                &["无醛人造板", "大豆蛋白胶", "环保家居"],
                PAT,
            ),
            s(
                "速生桉木改性",
                "采用热处理与浸渍树脂改性，提高桉木的尺寸稳定性和耐久性",
                "吸湿膨胀率降低{n}%",
                &["B27K 3/15", "B27K 5/00"],
                &["桉木", "木材改性", "尺寸稳定性"],
                PAT,
            ),
            s(
                "竹材重组装饰材料制造",
                "将竹材疏解成竹束后施胶热压，制备高强度重组竹地板与装饰板",
                "材料利用率提高{n}%",
                &["B27J 1/00", "B27N 3/00"],
                &["重组竹", "竹材加工", "装饰材料"],
                DES,
            ),
            s(
                "定制家具柔性排产",
                "基于订单拆单与板材优化排样算法，实现定制家具柔性化生产",
                "板材利用率提高{n}%",
                &["G06Q 10/06", "B27M 3/18"],
                &["定制家具", "柔性生产", "排样优化"],
                SW,
            ),
            s(
                "坭兴陶低温烧成",
                "优化坯釉配方与烧成曲线，降低坭兴陶制品烧成温度并提高成品率",
                "烧成能耗降低{n}%",
                &["C04B 33/13", "C04B 33/32"],
                &["坭兴陶", "低温烧成", "陶瓷家居"],
                DES,
            ),
        ],
        contexts: &["家具与人造板企业", "家居建材生产线", "陶瓷与竹木制品企业"],
        pains: &[
            "环保标准提高、产品升级压力大",
            "原材料利用率低",
            "生产效率和成品率不高",
        ],
        extra_keywords: &["绿色家居", "环保材料", "家居制造"],
    },
    Industry {
        code: "biomedicine",
        subjects: &[
            s(
                "壮药活性成分提取纯化",
                "采用超声辅助提取与大孔树脂纯化，富集壮药材中的黄酮类活性成分",
                "有效成分得率提高{n}%",
                &["A61K 36/00", "B01D 15/08"],
                &["壮药", "活性成分", "提取纯化"],
                PAT_KH,
            ),
            s(
                "瑶医药浴浓缩制剂制备",
                "以瑶族传统药浴方为基础优化组方，制成便于保存和使用的浓缩制剂",
                "制剂稳定期延长{n}%",
                &["A61K 36/00", "A61K 9/08"],
                &["瑶医", "药浴", "民族药"],
                PAT_KH,
            ),
            s(
                "罗汉果甜苷提取",
                "采用膜分离与色谱纯化工艺，制备高纯度罗汉果甜苷",
                "甜苷纯度提高{n}%",
                &["A23L 27/30", "A61K 36/42"],
                &["罗汉果", "甜苷", "膜分离"],
                PAT_KH,
            ),
            s(
                "中药材指纹图谱质量控制",
                "建立高效液相色谱指纹图谱与多指标含量测定方法，控制中药材批间质量",
                "批间差异降低{n}%",
                &["G01N 30/02", "G01N 30/88"],
                &["指纹图谱", "质量控制", "中药材"],
                PAT,
            ),
            s(
                "重组蛋白高效发酵表达",
                "构建高表达工程菌株并优化补料发酵工艺，提高重组蛋白产量",
                "表达量提高{n}%",
                &["C12N 15/70", "C12P 21/02"],
                &["重组蛋白", "发酵工艺", "工程菌"],
                PAT_KH,
            ),
            s(
                "金花茶抗氧化提取物制备",
                "以金花茶叶片为原料，经提取、浓缩和喷雾干燥制成抗氧化功能配料",
                "抗氧化活性提高{n}%",
                &["A61K 36/82", "A23L 33/105"],
                &["金花茶", "抗氧化", "功能配料"],
                PAT_KH,
            ),
        ],
        contexts: &["中药饮片与制剂企业", "民族药研发机构", "生物制品生产线"],
        pains: &[
            "质量标准化程度不足",
            "传统工艺收率低、成本高",
            "产品附加值不高",
        ],
        extra_keywords: &["中药民族药", "生物医药", "大健康产品"],
    },
    Industry {
        code: "new_energy_vehicles",
        subjects: &[
            s(
                "动力电池荷电状态估算",
                "采用高精度电芯电压采集与扩展卡尔曼滤波算法，实时估算电池荷电状态与健康状态",
                "荷电状态估算误差降低{n}%",
                &["H01M 10/48", "B60L 58/12"],
                &["电池管理系统", "荷电状态估算", "动力电池"],
                SW,
            ),
            s(
                "永磁同步电驱动总成集成",
                "采用扁线绕组电机与碳化硅控制器一体化设计，提高电驱系统功率密度",
                "功率密度提高{n}%",
                &["H02K 1/27", "B60L 15/20"],
                &["电驱动", "扁线电机", "功率密度"],
                PAT,
            ),
            s(
                "电池包液冷热管理",
                "采用液冷板与相变材料复合的热管理结构，控制电芯温差",
                "电芯温差降低{n}%",
                &["H01M 10/613", "H01M 10/625"],
                &["热管理", "液冷", "电池包"],
                PAT,
            ),
            s(
                "电动两轮车智能控制",
                "采用矢量控制与能量回收算法，提高电动两轮车续航与骑行平顺性",
                "续航里程提高{n}%",
                &["B62M 7/12", "B60L 7/10"],
                &["电动两轮车", "控制器", "能量回收"],
                PAT,
            ),
            s(
                "退役动力电池快速分选",
                "建立退役电池快速分选与健康度评估方法，用于储能等梯次利用场景",
                "分选效率提高{n}%",
                &["H01M 10/54", "G01R 31/392"],
                &["梯次利用", "退役电池", "健康度评估"],
                PAT,
            ),
        ],
        contexts: &[
            "新能源整车企业",
            "电池与电驱系统供应商",
            "电动两轮车生产基地",
        ],
        pains: &[
            "续航、安全与成本难以兼顾",
            "核心零部件依赖外购",
            "产品一致性有待提高",
        ],
        extra_keywords: &["新能源汽车", "电动化", "三电系统"],
    },
    Industry {
        code: "5g_equipment",
        subjects: &[
            s(
                "5G小基站射频前端线性化",
                "采用氮化镓功放与数字预失真技术，提高小基站射频前端效率",
                "功放效率提高{n}%",
                &["H04W 88/08", "H03F 1/32"],
                &["5G小基站", "射频前端", "数字预失真"],
                PAT,
            ),
            s(
                "毫米波阵列天线波束控制",
                "基于低温共烧陶瓷工艺实现小型化毫米波阵列天线，并支持波束快速切换",
                "天线增益提高{n}%",
                &["H01Q 21/06", "H01Q 1/38"],
                &["毫米波", "阵列天线", "低温共烧陶瓷"],
                PAT,
            ),
            s(
                "5G工业专网切片管理",
                "通过网络切片编排与边缘计算协同，为工业现场提供低时延专用网络",
                "端到端时延降低{n}%",
                &["H04W 24/02", "H04W 48/18"],
                &["5G专网", "网络切片", "工业互联网"],
                SW,
            ),
            s(
                "高速光模块硅光封装",
                "采用硅光集成与共封装工艺，降低高速光模块的功耗与体积",
                "模块功耗降低{n}%",
                &["G02B 6/42", "H04B 10/40"],
                &["光模块", "硅光", "光通信"],
                PAT,
            ),
            s(
                "基站智能节能控制",
                "基于业务负荷预测动态关断载波与通道，实现基站按需节能",
                "基站能耗降低{n}%",
                &["H04W 52/02"],
                &["基站节能", "负荷预测", "绿色通信"],
                SW,
            ),
        ],
        contexts: &["通信设备制造企业", "运营商与行业专网", "光通信器件生产线"],
        pains: &[
            "设备功耗和成本偏高",
            "核心器件依赖进口",
            "行业场景适配难度大",
        ],
        extra_keywords: &["5G", "通信设备", "光通信"],
    },
    Industry {
        code: "high_end_equipment",
        subjects: &[
            s(
                "工业机器人精密减速器回差控制",
                "优化摆线轮齿廓修形与轴承游隙控制，提高精密减速器传动精度",
                "回差降低{n}%",
                &["F16H 1/32", "B25J 9/10"],
                &["精密减速器", "工业机器人", "传动精度"],
                PAT,
            ),
            s(
                "植保无人机变量喷施",
                "依据多光谱处方图实时调整喷头流量，实现变量施药",
                "农药用量减少{n}%",
                &["B64D 1/18", "A01M 7/00"],
                &["植保无人机", "变量喷施", "精准施药"],
                PAT,
            ),
            s(
                "海上风电安装平台桩腿升降控制",
                "采用齿轮齿条升降与多点同步控制技术，提高桩腿升降的安全性",
                "升降作业时间缩短{n}%",
                &["E02B 17/08", "B63B 35/44"],
                &["海工装备", "自升式平台", "升降系统"],
                PAT,
            ),
            s(
                "轨道交通转向架智能检测",
                "采用激光轮廓扫描与声学检测，实现转向架关键部件状态智能检测",
                "检测时间缩短{n}%",
                &["B61K 9/12", "G01M 17/08"],
                &["轨道交通", "转向架", "智能检测"],
                PAT,
            ),
            s(
                "变电站机器人智能巡检",
                "集成可见光、红外与声学传感，自主完成变电站设备巡检",
                "巡检效率提高{n}%",
                &["B25J 5/00", "B25J 11/00", "G05D 1/02"],
                &["巡检机器人", "自主导航", "多传感融合"],
                PAT,
            ),
        ],
        contexts: &["装备制造企业", "港口与海洋工程", "轨道交通与电力运维"],
        pains: &[
            "核心部件国产化率低",
            "作业精度与可靠性不足",
            "人工作业强度大、风险高",
        ],
        extra_keywords: &["高端装备", "智能制造", "国产化"],
    },
    Industry {
        code: "frontier_materials",
        subjects: &[
            s(
                "石墨烯导热膜制备",
                "以氧化石墨烯为原料，经涂布、还原与高温石墨化制备高导热薄膜",
                "面内导热系数提高{n}%",
                &["C01B 32/184", "C09K 5/14"],
                &["石墨烯", "导热膜", "热管理材料"],
                PAT_KH,
            ),
            s(
                "ITO靶材高致密烧结",
                "采用冷等静压成形与氧气氛常压烧结，制备高致密氧化铟锡靶材",
                "靶材开裂率降低{n}%",
                &["C04B 35/457", "C23C 14/34"],
                &["ITO靶材", "氧化铟锡", "烧结"],
                PAT_KH,
            ),
            s(
                "气凝胶保温毡常压干燥制备",
                "以二氧化硅气凝胶与玻璃纤维毡复合，常压干燥制备柔性保温材料",
                "导热系数降低{n}%",
                &["C01B 33/158", "F16L 59/02"],
                &["气凝胶", "保温材料", "常压干燥"],
                PAT_KH,
            ),
            s(
                "甘蔗渣纳米纤维素制备",
                "以甘蔗渣为原料，经化学预处理和高压均质制备纳米纤维素",
                "生产能耗降低{n}%",
                &["C08B 15/02", "C08L 1/02"],
                &["纳米纤维素", "甘蔗渣", "生物基材料"],
                PAT,
            ),
            s(
                "自修复防腐涂层制备",
                "在环氧涂层中引入缓蚀剂微胶囊，涂层破损后可自动释放缓蚀剂修复",
                "耐盐雾时间延长{n}%",
                &["C09D 5/08", "C09D 163/00"],
                &["自修复涂层", "防腐", "微胶囊"],
                PAT,
            ),
        ],
        contexts: &["新材料产业园", "电子与建筑材料企业", "海洋与化工装备防护"],
        pains: &["高性能材料依赖进口", "实验室成果放大难", "制备成本偏高"],
        extra_keywords: &["前沿新材料", "功能材料", "成果转化"],
    },
    Industry {
        code: "artificial_intelligence",
        subjects: &[
            s(
                "甘蔗病虫害图像识别",
                "基于轻量化卷积神经网络，在手机端识别甘蔗常见病虫害",
                "识别准确率提高{n}%",
                &["G06V 20/188", "G06N 3/08"],
                &["图像识别", "病虫害", "深度学习"],
                SW,
            ),
            s(
                "中越双语机器翻译",
                "基于领域语料微调神经机器翻译模型，支持中文与越南文技术文本互译",
                "翻译质量评分提高{n}%",
                &["G06F 40/58", "G06N 3/08"],
                &["机器翻译", "越南语", "自然语言处理"],
                SW,
            ),
            s(
                "工业外观缺陷视觉检测",
                "利用少样本学习与缺陷样本生成技术，快速适配不同产线的外观质检任务",
                "模型部署周期缩短{n}%",
                &["G06T 7/0004", "G06N 3/08"],
                &["视觉检测", "少样本学习", "工业质检"],
                SW,
            ),
            s(
                "政务知识智能问答",
                "构建领域知识图谱并结合检索增强生成，提供政策与业务智能问答",
                "人工坐席工作量减少{n}%",
                &["G06F 16/36", "G06N 5/02"],
                &["知识图谱", "智能问答", "检索增强生成"],
                SW,
            ),
            s(
                "边缘端深度学习推理加速",
                "通过模型量化与算子融合，在国产边缘芯片上部署深度学习模型",
                "推理速度提高{n}%",
                &["G06N 3/063", "G06N 3/08"],
                &["模型量化", "边缘推理", "国产芯片"],
                SW,
            ),
        ],
        contexts: &["制造企业与园区", "政务与公共服务", "农业生产一线"],
        pains: &[
            "数据标注成本高",
            "算法在实际场景中难以落地",
            "人工处理效率低",
        ],
        extra_keywords: &["人工智能", "算法", "数字化转型"],
    },
    Industry {
        code: "third_gen_semiconductors",
        subjects: &[
            s(
                "碳化硅功率模块银烧结封装",
                "采用银烧结与铜线键合工艺，提高碳化硅功率模块的耐高温可靠性",
                "模块热阻降低{n}%",
                &["H01L 23/373", "H01L 25/07"],
                &["碳化硅", "功率模块", "银烧结"],
                PAT,
            ),
            s(
                "硅基氮化镓外延生长",
                "在硅衬底上采用应力调控缓冲层生长氮化镓外延层，降低位错密度",
                "位错密度降低{n}%",
                &["H01L 21/02", "C30B 25/02"],
                &["氮化镓", "外延生长", "硅衬底"],
                PAT_KH,
            ),
            s(
                "碳化硅衬底切磨抛加工",
                "采用金刚线多线切割与化学机械抛光工艺，提高碳化硅衬底加工效率",
                "加工周期缩短{n}%",
                &["B28D 5/04", "B24B 37/04"],
                &["碳化硅衬底", "多线切割", "化学机械抛光"],
                PAT_KH,
            ),
            s(
                "氮化镓快充电源高频变换",
                "基于氮化镓功率器件设计高频软开关拓扑，实现小体积快充电源",
                "电源体积减小{n}%",
                &["H02M 3/335", "H02M 1/00"],
                &["氮化镓", "快充", "软开关"],
                IC,
            ),
            s(
                "深紫外发光二极管外延结构优化",
                "优化铝镓氮量子阱结构与出光设计，提高深紫外发光二极管光效",
                "光输出功率提高{n}%",
                &["H01L 33/32", "H01L 33/06"],
                &["深紫外", "发光二极管", "杀菌消毒"],
                IC,
            ),
        ],
        contexts: &[
            "功率器件与模块企业",
            "新能源汽车与光伏逆变器配套",
            "半导体材料生产线",
        ],
        pains: &["器件可靠性验证周期长", "材料与工艺成本高", "工艺稳定性不足"],
        extra_keywords: &["第三代半导体", "功率器件", "宽禁带"],
    },
    Industry {
        code: "hydrogen_energy_storage",
        subjects: &[
            s(
                "碱性电解水制氢",
                "采用高活性镍基电极与低电阻隔膜，降低碱性电解槽直流电耗",
                "单位制氢电耗降低{n}%",
                &["C25B 1/04", "C25B 9/00"],
                &["电解水制氢", "碱性电解槽", "绿氢"],
                PAT,
            ),
            s(
                "储能电站能量管理",
                "基于负荷与电价预测的优化调度算法，协调储能电站充放电",
                "峰谷套利收益提高{n}%",
                &["H02J 3/32", "H02J 7/00"],
                &["储能电站", "能量管理", "优化调度"],
                SW,
            ),
            s(
                "钠离子电池正极材料制备",
                "采用层状氧化物掺杂改性，提高钠离子电池正极材料的循环稳定性",
                "循环寿命提高{n}%",
                &["H01M 4/505", "H01M 10/054"],
                &["钠离子电池", "正极材料", "储能"],
                PAT_KH,
            ),
            s(
                "全钒液流电池电堆优化",
                "优化流道设计与电极活化处理，提高液流电池电堆能量效率",
                "电堆能量效率提高{n}%",
                &["H01M 8/18"],
                &["液流电池", "全钒", "长时储能"],
                PAT,
            ),
            s(
                "车载储氢瓶碳纤维缠绕",
                "采用湿法缠绕与铺层优化设计，制造车载高压储氢气瓶",
                "气瓶质量减轻{n}%",
                &["F17C 1/06", "B29C 53/56"],
                &["储氢瓶", "碳纤维缠绕", "高压储氢"],
                PAT,
            ),
        ],
        contexts: &[
            "新能源发电与储能项目",
            "工业园区综合能源系统",
            "氢能装备制造企业",
        ],
        pains: &[
            "系统成本偏高",
            "能量转换效率有待提升",
            "安全性与寿命有待提升",
        ],
        extra_keywords: &["氢能", "储能", "新型电力系统"],
    },
    Industry {
        code: "bio_breeding",
        subjects: &[
            s(
                "高糖抗旱甘蔗分子育种",
                "利用分子标记辅助选择与杂交育种，选育高糖、抗旱、宿根性强的甘蔗新品种",
                "较对照品种增产{n}%",
                &["A01H 6/46", "C12Q 1/6895"],
                &["甘蔗育种", "分子标记", "抗旱"],
                PV,
            ),
            s(
                "优质抗病香稻育种",
                "将基因编辑与常规育种相结合，培育抗稻瘟病、米质优的香稻品种",
                "稻瘟病发病率降低{n}%",
                &["A01H 6/46", "C12N 15/82"],
                &["水稻育种", "基因编辑", "抗病"],
                PV,
            ),
            s(
                "蚕桑良种繁育",
                "选育高产抗病桑树品种与多丝量家蚕品种，并配套标准化繁育技术",
                "单张蚕种产茧量提高{n}%",
                &["A01K 67/04", "A01H 5/00"],
                &["蚕桑", "良种繁育", "家蚕"],
                PV,
            ),
            s(
                "晚熟芒果芽变选种",
                "通过芽变选种与多点区域试验，选育晚熟、耐储运的芒果优良品系",
                "优质果率提高{n}%",
                &["A01H 5/08", "A01H 6/00"],
                &["芒果", "品种选育", "晚熟"],
                PV,
            ),
            s(
                "罗非鱼抗病品系选育",
                "基于家系选育与基因组选择，培育生长快、抗链球菌病的罗非鱼新品系",
                "养殖存活率提高{n}%",
                &["A01K 67/02", "C12Q 1/6888"],
                &["罗非鱼", "基因组选择", "水产育种"],
                ANI,
            ),
        ],
        contexts: &["良种繁育基地", "农业龙头企业", "特色种养殖区"],
        pains: &["良种覆盖率不高", "品种抗逆性不足", "育种周期长"],
        extra_keywords: &["生物育种", "种业振兴", "良种"],
    },
    Industry {
        code: "deep_earth_sea",
        subjects: &[
            s(
                "深部隐伏矿体电磁探测",
                "融合大深度电磁法与三维反演技术，识别深部隐伏矿体",
                "有效勘探深度提高{n}%",
                &["G01V 3/08", "G01V 3/38"],
                &["深部找矿", "电磁法", "三维反演"],
                PAT,
            ),
            s(
                "深海浮标长期观测",
                "采用低功耗多参数传感与北斗卫星通信，实现海洋环境长期连续观测",
                "续航时间延长{n}%",
                &["G01C 13/00", "B63B 22/00"],
                &["海洋观测", "浮标", "卫星通信"],
                PAT,
            ),
            s(
                "深埋隧道岩爆微震预警",
                "基于微震监测与机器学习，对深埋隧道与矿井岩爆风险进行预警",
                "预警准确率提高{n}%",
                &["G01V 1/00", "E21F 17/18"],
                &["岩爆", "微震监测", "隧道安全"],
                PAT,
            ),
            s(
                "观察级水下机器人检测作业",
                "研制带机械手的观察级水下机器人，用于海底管线与港口设施检测",
                "水下检测效率提高{n}%",
                &["B63C 11/52", "B63G 8/00"],
                &["水下机器人", "海底检测", "机械手"],
                PAT,
            ),
            s(
                "中深层地热梯级利用",
                "采用中深层地热换热与热泵耦合，实现建筑供暖与生活热水梯级利用",
                "供能成本降低{n}%",
                &["F24T 10/10", "F24D 11/02"],
                &["地热能", "热泵", "梯级利用"],
                PAT,
            ),
        ],
        contexts: &["矿山与地下工程", "海洋工程与港口", "地质勘查单位"],
        pains: &[
            "探测和监测精度不足",
            "作业环境复杂、风险高",
            "关键装备依赖进口",
        ],
        extra_keywords: &["深地深海", "海洋装备", "勘查技术"],
    },
    Industry {
        code: "modern_agriculture",
        subjects: &[
            s(
                "甘蔗机械化收获",
                "研制适合丘陵地块的中型切段式甘蔗收获机，配套剥叶与集堆装置",
                "收获含杂率降低{n}%",
                &["A01D 45/10"],
                &["甘蔗收获机", "丘陵农机", "机械化"],
                PAT,
            ),
            s(
                "六堡茶控温控湿发酵",
                "通过控温控湿发酵与优势菌群接种，缩短六堡茶陈化周期并稳定品质",
                "陈化周期缩短{n}%",
                &["A23F 3/10"],
                &["六堡茶", "发酵工艺", "陈化"],
                PAT_KH,
            ),
            s(
                "蚕桑省力化养殖",
                "采用省力化蚕台与温湿度自动调控，降低养蚕劳动强度",
                "人均养蚕规模提高{n}%",
                &["A01K 67/04"],
                &["蚕桑", "省力化养蚕", "智能调控"],
                PAT,
            ),
            s(
                "沃柑采后保鲜",
                "采用天然涂膜与低温气调贮藏，延长沃柑等柑橘类水果的货架期",
                "货架期延长{n}%",
                &["A23B 7/16", "A23B 7/148"],
                &["沃柑", "采后保鲜", "气调贮藏"],
                PAT_KH,
            ),
            s(
                "甘蔗水肥一体化滴灌",
                "根据土壤墒情与甘蔗生育期智能配比水肥，实现滴灌精准施用",
                "化肥用量减少{n}%",
                &["A01C 23/04", "A01G 25/02"],
                &["水肥一体化", "滴灌", "甘蔗种植"],
                PAT,
            ),
            s(
                "林下中药材生态种植",
                "在速生林下套种中药材并配套生态栽培技术，提高林地综合效益",
                "亩均收益提高{n}%",
                &["A01G 22/00", "A01G 23/00"],
                &["林下经济", "中药材种植", "生态栽培"],
                ANI,
            ),
        ],
        contexts: &["甘蔗主产区", "茶园与果园", "蚕桑基地"],
        pains: &[
            "劳动力短缺、人工成本高",
            "产品品质不稳定",
            "资源利用效率不高",
        ],
        extra_keywords: &["现代农业", "乡村振兴", "特色农产品"],
    },
    Industry {
        code: "marine",
        subjects: &[
            s(
                "海水工厂化循环水养殖",
                "采用微滤、蛋白分离与生物滤池组合处理，实现养殖水循环利用",
                "换水量减少{n}%",
                &["A01K 63/04", "C02F 3/00"],
                &["循环水养殖", "水处理", "工厂化养殖"],
                PAT,
            ),
            s(
                "大蚝酶解深加工",
                "采用定向酶解与低温浓缩工艺，制备蚝肽等高附加值产品",
                "蛋白回收率提高{n}%",
                &["A23L 17/50", "A23J 3/34"],
                &["大蚝", "酶解", "海洋肽"],
                PAT_KH,
            ),
            s(
                "海洋牧场生态监测",
                "布设水下摄像与水质传感网络，实时监测海洋牧场生态状况",
                "监测覆盖率提高{n}%",
                &["A01K 61/70", "G01N 33/18"],
                &["海洋牧场", "生态监测", "水下视频"],
                PAT,
            ),
            s(
                "海藻多糖提取",
                "以马尾藻等为原料，经酶法提取与超滤纯化制备海藻多糖",
                "多糖得率提高{n}%",
                &["C08B 37/00", "A61K 36/03"],
                &["海藻多糖", "酶法提取", "海洋生物资源"],
                PAT_KH,
            ),
            s(
                "船舶压载水电解处理",
                "采用过滤与电解协同处理工艺，满足船舶压载水排放标准",
                "处理能耗降低{n}%",
                &["C02F 1/467", "B63J 4/00"],
                &["压载水", "电解消毒", "船舶环保"],
                PAT,
            ),
        ],
        contexts: &["沿海养殖区", "水产品加工企业", "港口与航运企业"],
        pains: &[
            "养殖与加工环节环境压力大",
            "产品精深加工不足",
            "监测与处理手段落后",
        ],
        extra_keywords: &["海洋经济", "北部湾", "蓝色经济"],
    },
    Industry {
        code: "ecology_carbon_neutrality",
        subjects: &[
            s(
                "蔗渣生物质锅炉高效燃烧",
                "优化蔗渣干燥与分级燃烧技术，提高生物质锅炉热效率",
                "锅炉热效率提高{n}%",
                &["F23G 7/10"],
                &["蔗渣", "生物质锅炉", "节能降碳"],
                PAT,
            ),
            s(
                "石漠化坡地生态修复",
                "筛选耐旱乡土植物并配套客土与保水技术，修复喀斯特石漠化坡地",
                "植被覆盖度提高{n}%",
                &["A01B 79/02", "A01G 24/00"],
                &["石漠化治理", "生态修复", "喀斯特"],
                ANI,
            ),
            s(
                "企业碳排放自动核算",
                "依据排放因子法自动采集能耗数据，生成企业碳排放核算报告",
                "核算工作量减少{n}%",
                &["G06Q 50/06", "G06Q 10/06"],
                &["碳排放核算", "碳达峰", "能耗监测"],
                SW,
            ),
            s(
                "氧化铝赤泥综合利用",
                "以氧化铝赤泥为原料，经脱碱和复配制备路基材料与建材",
                "赤泥利用率提高{n}%",
                &["C04B 18/04", "C22B 7/00"],
                &["赤泥", "固废利用", "脱碱"],
                PAT_KH,
            ),
            s(
                "农村生活污水一体化处理",
                "采用厌氧—缺氧—好氧与人工湿地组合工艺，低成本处理农村生活污水",
                "运行成本降低{n}%",
                &["C02F 3/30", "C02F 3/32"],
                &["农村污水", "人工湿地", "一体化设备"],
                PAT,
            ),
        ],
        contexts: &["工业园区", "县域与乡村", "制糖与冶金企业"],
        pains: &["减排压力大", "资源综合利用率低", "治理设施运行成本高"],
        extra_keywords: &["双碳", "生态环保", "循环经济"],
    },
    Industry {
        code: "health_elderly_care",
        subjects: &[
            s(
                "居家老人跌倒监测",
                "采用毫米波雷达非接触感知人体姿态，识别跌倒并自动报警",
                "误报率降低{n}%",
                &["A61B 5/11", "G08B 21/04"],
                &["跌倒监测", "毫米波雷达", "居家养老"],
                PAT,
            ),
            s(
                "长寿地区特色食品功能评价",
                "建立长寿地区特色食品的功能成分检测与动物评价方法",
                "检测周期缩短{n}%",
                &["A23L 33/105", "G01N 33/02"],
                &["功能食品", "长寿文化", "功能评价"],
                PAT_KH,
            ),
            s(
                "社区慢病智能管理",
                "通过可穿戴设备采集血压、血糖数据，结合家庭医生随访实现慢病管理",
                "随访覆盖率提高{n}%",
                &["G16H 40/67", "G16H 50/30"],
                &["慢病管理", "可穿戴设备", "家庭医生"],
                SW,
            ),
            s(
                "下肢康复外骨骼辅助训练",
                "基于肌电信号识别运动意图，辅助中风患者进行下肢康复训练",
                "康复训练效率提高{n}%",
                &["A61H 3/00", "B25J 9/00"],
                &["外骨骼", "康复训练", "肌电信号"],
                PAT,
            ),
            s(
                "温泉康养水质消毒",
                "采用紫外与臭氧联合消毒工艺，保障温泉康养场所水质安全",
                "水质达标率提高{n}%",
                &["C02F 1/32", "C02F 1/78"],
                &["温泉康养", "水质消毒", "康养旅游"],
                PAT,
            ),
        ],
        contexts: &["养老机构与社区", "康养旅游目的地", "基层医疗机构"],
        pains: &["专业服务人员不足", "服务手段单一", "服务质量难以持续保障"],
        extra_keywords: &["大健康", "智慧养老", "康养产业"],
    },
    Industry {
        code: "public_safety",
        subjects: &[
            s(
                "山洪与地质灾害监测预警",
                "布设雨量、位移与含水率传感器，构建山洪与滑坡多参数预警模型",
                "预警提前时间增加{n}%",
                &["G08B 21/10", "G08B 31/00"],
                &["地质灾害", "监测预警", "山洪"],
                PAT,
            ),
            s(
                "危化品运输车辆动态监管",
                "融合北斗定位与车载视频分析，识别危化品运输车辆违规行为",
                "违规识别率提高{n}%",
                &["G08G 1/123", "G07C 5/08"],
                &["危化品运输", "动态监管", "视频分析"],
                SW,
            ),
            s(
                "口岸货物X射线智能判图",
                "采用X射线图像智能判读与货物申报信息比对，辅助口岸查验",
                "查验效率提高{n}%",
                &["G01N 23/04", "G06V 10/82"],
                &["口岸查验", "X射线", "智能判图"],
                SW,
            ),
            s(
                "电动自行车电池火灾预警",
                "监测充电过程中电池温度与气体特征，提前发现热失控风险",
                "火灾预警时间提前{n}%",
                &["G08B 17/10", "H01M 10/48"],
                &["热失控", "电动自行车", "火灾预警"],
                PAT,
            ),
            s(
                "农兽药残留快速检测",
                "采用免疫层析试纸与便携读数仪，现场快速检测农兽药残留",
                "检测时间缩短{n}%",
                &["G01N 33/558", "G01N 33/02"],
                &["快速检测", "农药残留", "食品安全"],
                PAT,
            ),
        ],
        contexts: &["应急管理部门", "口岸与交通枢纽", "社区与公共场所"],
        pains: &["风险发现滞后", "监管手段依赖人工", "现场检测能力不足"],
        extra_keywords: &["公共安全", "应急管理", "风险防控"],
    },
    Industry {
        code: "smart_city",
        subjects: &[
            s(
                "城市内涝监测预警",
                "基于管网液位监测与水力模型，实时预测城市易涝点积水风险",
                "积水预警准确率提高{n}%",
                &["E03F 7/00", "G06Q 50/26"],
                &["城市内涝", "管网监测", "水力模型"],
                SW,
            ),
            s(
                "智慧停车诱导",
                "利用地磁与视频车位检测，实时发布泊位信息并引导车辆停放",
                "寻位时间缩短{n}%",
                &["G08G 1/14"],
                &["智慧停车", "车位检测", "停车诱导"],
                SW,
            ),
            s(
                "城市信息模型构建",
                "融合建筑信息模型、地理信息与物联网数据，构建城市三维数字底座",
                "项目审批时间缩短{n}%",
                &["G06T 17/05", "G06F 16/29"],
                &["城市信息模型", "数字孪生", "三维底座"],
                SW,
            ),
            s(
                "交通信号自适应控制",
                "根据路口实时车流量自动优化信号配时方案",
                "路口通行效率提高{n}%",
                &["G08G 1/08"],
                &["信号控制", "自适应配时", "智慧交通"],
                PAT,
            ),
            s(
                "老旧小区智慧化改造",
                "集成智能门禁、消防物联与能耗监测，提升老旧小区管理水平",
                "物业管理成本降低{n}%",
                &["H04L 67/12", "G07C 9/00"],
                &["老旧小区改造", "智慧社区", "物联网"],
                SW,
            ),
        ],
        contexts: &["城市管理部门", "新型城镇化建设项目", "城市社区"],
        pains: &[
            "城市管理数据分散",
            "基础设施运行效率不高",
            "运行调度依赖经验",
        ],
        extra_keywords: &["智慧城市", "数字政府", "城市治理"],
    },
    Industry {
        code: "calcium_carbonate",
        subjects: &[
            s(
                "纳米碳酸钙表面改性",
                "采用硬脂酸与钛酸酯复合改性剂湿法包覆纳米碳酸钙，提高其在塑料中的分散性",
                "活化度提高{n}%",
                &["C01F 11/18", "C09C 1/02"],
                &["纳米碳酸钙", "表面改性", "分散性"],
                PAT_KH,
            ),
            s(
                "重质碳酸钙超细研磨",
                "采用立式磨与涡流分级联合工艺，制备超细重质碳酸钙粉体",
                "单位电耗降低{n}%",
                &["B02C 15/00", "B07B 7/08"],
                &["重质碳酸钙", "超细粉碎", "分级"],
                PAT,
            ),
            s(
                "碳酸钙可降解填充母粒制备",
                "以改性碳酸钙高比例填充聚乳酸等可降解材料，降低制品成本",
                "材料成本降低{n}%",
                &["C08K 3/26", "C08L 67/04"],
                &["填充母粒", "可降解塑料", "碳酸钙"],
                PAT_KH,
            ),
            s(
                "石材废料制备轻质碳酸钙",
                "以石材加工废料为原料，经煅烧、消化与碳化制备轻质碳酸钙",
                "废料利用率提高{n}%",
                &["C01F 11/18", "C04B 18/04"],
                &["轻质碳酸钙", "石材废料", "碳化法"],
                PAT,
            ),
            s(
                "造纸涂布级碳酸钙制备",
                "通过粒径分布调控与分散剂优化，制备高固含量造纸涂布级碳酸钙",
                "涂布白度提高{n}%",
                &["D21H 19/38", "C09C 1/02"],
                &["涂布颜料", "造纸", "高固含量"],
                PAT_KH,
            ),
        ],
        contexts: &["碳酸钙产业园", "塑料与造纸企业", "石材加工基地"],
        pains: &[
            "产品以低端粉体为主、附加值低",
            "粉体加工能耗高",
            "产品质量不稳定",
        ],
        extra_keywords: &["碳酸钙", "非金属矿", "粉体材料"],
    },
];

/// Title patterns for achievements; `{s}` is the subject.
const ACHIEVEMENT_TITLES: &[&str] = &[
    "{s}关键技术",
    "{s}技术及应用",
    "{s}技术研究与示范",
    "一种{s}方法",
    "{s}集成技术",
];
/// Title patterns for needs.
const NEED_TITLES: &[&str] = &[
    "{s}技术需求",
    "寻求{s}技术合作",
    "{s}关键技术攻关需求",
    "征集{s}技术解决方案",
    "{s}技术升级需求",
];
/// Research teams an achievement comes from.
const TEAMS: &[&str] = &["课题组", "科研团队", "工程技术研究中心", "重点实验室团队"];
/// Cooperation modes an achievement typically offers.
const ACHIEVEMENT_MODES: &[&str] = &[
    "transfer",
    "licence_exclusive",
    "licence_non_exclusive",
    "licence_sole",
    "equity",
    "joint_development",
    "consulting",
    "service",
];
/// Cooperation modes a need typically asks for.
const NEED_MODES: &[&str] = &[
    "transfer",
    "licence_exclusive",
    "licence_non_exclusive",
    "joint_development",
    "commissioned_development",
    "consulting",
    "service",
];

// ---------------------------------------------------------------------------------------------
// Hand-written listings: featured Chinese ones with an English translation, and ASEAN ones in
// their own language with a Chinese translation.

/// A listing text in one language.
struct Text {
    lang: &'static str,
    title: &'static str,
    summary: &'static str,
    description: &'static str,
    keywords: &'static [&'static str],
}

const fn tx(
    lang: &'static str,
    title: &'static str,
    summary: &'static str,
    description: &'static str,
    keywords: &'static [&'static str],
) -> Text {
    Text {
        lang,
        title,
        summary,
        description,
        keywords,
    }
}

/// Which kind of listing a hand-written one is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Achievement,
    Need,
    /// An open call; the price is the bounty.
    OpenCall,
}

/// IP of a hand-written achievement: type, status and numbers (generated Chinese numbers when
/// empty and the type is a patent).
type Ip = (&'static str, &'static str, &'static [&'static str]);

const NO_IP: Ip = ("none", "not_applicable", &[]);
const KNOW_HOW: Ip = ("know_how", "not_applicable", &[]);

/// A hand-written listing. `trl` is the achievement's TRL or the need's minimum TRL; `price`
/// is (currency, min, max) in major units, `None` for negotiable.
struct Authored {
    org: &'static str,
    kind: Kind,
    industry: &'static str,
    ipc: &'static [&'static str],
    trl: i16,
    ip: Ip,
    price: Option<(&'static str, i64, i64)>,
    modes: &'static [&'static str],
    cross_border: bool,
    eligibility: &'static str,
    original: Text,
    translation: Text,
}

#[allow(clippy::too_many_arguments)]
const fn ach(
    org: &'static str,
    industry: &'static str,
    ipc: &'static [&'static str],
    trl: i16,
    ip: Ip,
    price: Option<(&'static str, i64, i64)>,
    modes: &'static [&'static str],
    cross_border: bool,
    original: Text,
    translation: Text,
) -> Authored {
    Authored {
        org,
        kind: Kind::Achievement,
        industry,
        ipc,
        trl,
        ip,
        price,
        modes,
        cross_border,
        eligibility: "",
        original,
        translation,
    }
}

#[allow(clippy::too_many_arguments)]
const fn need(
    org: &'static str,
    industry: &'static str,
    ipc: &'static [&'static str],
    min_trl: i16,
    price: Option<(&'static str, i64, i64)>,
    modes: &'static [&'static str],
    cross_border: bool,
    original: Text,
    translation: Text,
) -> Authored {
    Authored {
        org,
        kind: Kind::Need,
        industry,
        ipc,
        trl: min_trl,
        ip: NO_IP,
        price,
        modes,
        cross_border,
        eligibility: "",
        original,
        translation,
    }
}

#[allow(clippy::too_many_arguments)]
const fn open_call(
    org: &'static str,
    industry: &'static str,
    ipc: &'static [&'static str],
    min_trl: i16,
    bounty_cny: i64,
    modes: &'static [&'static str],
    eligibility: &'static str,
    original: Text,
    translation: Text,
) -> Authored {
    Authored {
        org,
        kind: Kind::OpenCall,
        industry,
        ipc,
        trl: min_trl,
        ip: NO_IP,
        price: Some(("CNY", bounty_cny, bounty_cny)),
        modes,
        cross_border: true,
        eligibility,
        original,
        translation,
    }
}

/// Chinese listings written by hand, each with an English translation.
const FEATURED: &[Authored] = &[
    ach("liuzhou-nev-institute", "new_energy_vehicles", &["H01M 10/625", "B60L 58/26"], 7, ("invention_patent", "granted", &[]),
        Some(("CNY", 1_000_000, 3_000_000)), &["licence_non_exclusive", "joint_development"], true,
        tx("zh", "微型电动车电池包液冷热管理系统", "面向微型电动车的电池包液冷热管理系统，明显减小冬季续航衰减。",
           "该系统将扁管液冷板与电池包一体化设计，结构紧凑、成本较低。通过热泵与电池余热回收协同控制，低温环境下续航衰减降低约20%。已在两款微型电动车上完成冬季标定试验。",
           &["电池热管理", "液冷", "微型电动车", "热泵"]),
        tx("en", "Liquid-cooled battery thermal management for mini electric cars", "A liquid-cooled battery pack thermal management system for mini electric cars that reduces winter range loss.",
           "The system integrates flat-tube cold plates into the battery pack, keeping it compact and low in cost. Coordinated control of the heat pump and battery waste heat cuts range loss in cold weather by about 20%. Winter calibration tests have been completed on two mini electric car models.",
           &["battery thermal management", "liquid cooling", "mini electric car", "heat pump"])),
    ach("lijiang-tech-university", "third_gen_semiconductors", &["H01L 21/04", "H01L 29/78"], 5, ("invention_patent", "filed", &[]),
        None, &["licence_exclusive", "joint_development"], false,
        tx("zh", "车规级碳化硅MOSFET栅氧可靠性提升工艺", "通过改进栅氧化与退火工艺，提高碳化硅MOSFET的栅氧可靠性与阈值电压稳定性。",
           "本成果采用一氧化氮退火与界面钝化相结合的工艺，降低碳化硅与二氧化硅之间的界面态密度。器件经高温栅偏试验后阈值电压漂移小于0.2伏。该工艺可与现有6英寸碳化硅产线兼容。",
           &["碳化硅", "MOSFET", "栅氧可靠性", "车规级"]),
        tx("en", "Gate oxide reliability process for automotive-grade SiC MOSFETs", "Improved gate oxidation and annealing raise the gate oxide reliability and threshold voltage stability of SiC MOSFETs.",
           "The process combines nitric oxide annealing with interface passivation to lower the density of interface states between SiC and SiO2. After high-temperature gate bias tests, the threshold voltage shifts by less than 0.2 V. The process is compatible with existing 6-inch SiC lines.",
           &["silicon carbide", "MOSFET", "gate oxide reliability", "automotive grade"])),
    ach("nanning-agri-academy", "modern_agriculture", &["A01D 45/10", "A01B 79/02"], 8, ("invention_patent", "granted", &[]),
        Some(("CNY", 500_000, 1_500_000)), &["licence_non_exclusive", "service"], true,
        tx("zh", "甘蔗全程机械化宿根蔗保护技术", "通过优化收获切割高度与机收后破垄管理，减少机械收获对宿根蔗的损伤。",
           "针对机械化收获后宿根蔗发株率下降的问题，研制了切割高度自动仿形装置。配套机收后破垄、施肥和覆膜一体化作业，使宿根蔗发株率提高15%以上。该技术已在崇左、来宾等蔗区示范推广。",
           &["甘蔗", "宿根蔗", "机械化收获", "仿形切割"]),
        tx("en", "Ratoon protection for fully mechanised sugarcane production", "Optimised cutting height and post-harvest ridge management reduce harvester damage to ratoon cane.",
           "To stop the fall in ratoon sprouting after mechanical harvesting, we developed an automatic ground-following device that controls cutting height. Combined ridge breaking, fertilising and mulching after harvest raises ratoon sprouting by more than 15%. The technology has been demonstrated in the sugarcane areas of Chongzuo and Laibin.",
           &["sugarcane", "ratoon cane", "mechanical harvesting", "ground-following cutting"])),
    ach("lidong-medical-college", "biomedicine", &["A61K 36/48", "A61P 1/16"], 4, ("invention_patent", "granted", &[]),
        Some(("CNY", 800_000, 2_000_000)), &["transfer", "licence_exclusive"], false,
        tx("zh", "壮药鸡骨草护肝颗粒制备工艺", "以壮药鸡骨草为主药的护肝颗粒剂制备工艺与质量标准。",
           "本成果优化了鸡骨草等药材的提取、浓缩与制粒工艺，并建立了主要成分的含量测定方法。动物实验表明该颗粒对化学性肝损伤具有保护作用。可为企业开展医疗机构制剂或新药研发提供基础。",
           &["壮药", "鸡骨草", "护肝", "颗粒剂"]),
        tx("en", "Liver-protecting granules based on the Zhuang medicine jigucao", "A preparation process and quality standard for liver-protecting granules with jigucao (Abrus cantoniensis) as the main herb.",
           "The work optimises the extraction, concentration and granulation of jigucao and other herbs, and sets up assay methods for the main constituents. Animal studies show a protective effect against chemically induced liver injury. It gives companies a basis for hospital preparations or new drug development.",
           &["Zhuang medicine", "Abrus cantoniensis", "liver protection", "granules"])),
    ach("hezhou-caco3-institute", "calcium_carbonate", &["C01F 11/18", "C09C 1/02", "C09D 127/06"], 8, ("invention_patent", "granted", &[]),
        Some(("CNY", 1_500_000, 4_000_000)), &["transfer", "licence_exclusive", "equity"], false,
        tx("zh", "汽车底涂用纳米碳酸钙制备技术", "制备适用于汽车PVC底涂的高触变性纳米碳酸钙。",
           "采用碳化过程晶形控制与复合表面处理技术，产品粒径分布窄、触变性好。在PVC塑溶胶中的应用性能达到进口同类产品水平。已在贺州完成千吨级生产线验证。",
           &["纳米碳酸钙", "汽车底涂", "触变性", "PVC塑溶胶"]),
        tx("en", "Nano calcium carbonate for automotive underbody coatings", "High-thixotropy nano calcium carbonate for automotive PVC underbody coatings.",
           "Crystal form control during carbonation and a combined surface treatment give a narrow particle size distribution and good thixotropy. Its performance in PVC plastisol matches imported products. The process has been proven on a thousand-tonne production line in Hezhou.",
           &["nano calcium carbonate", "underbody coating", "thixotropy", "PVC plastisol"])),
    ach("beibu-marine-academy", "marine", &["A01K 61/54"], 8, KNOW_HOW,
        None, &["service", "licence_non_exclusive"], true,
        tx("zh", "北部湾近江牡蛎三倍体苗种培育技术", "通过四倍体与二倍体杂交，规模化培育近江牡蛎三倍体苗种。",
           "三倍体牡蛎不育，生长季节肉质饱满，可实现全年上市。本技术三倍体率稳定在95%以上，苗种成活率高。已在钦州、北海养殖区推广应用。",
           &["近江牡蛎", "三倍体", "苗种培育", "北部湾"]),
        tx("en", "Triploid seed production of Jinjiang oysters in the Beibu Gulf", "Large-scale production of triploid Jinjiang oyster seed by crossing tetraploids with diploids.",
           "Triploid oysters are sterile and stay plump during the growing season, so they can be sold all year round. The triploid rate stays above 95% and seed survival is high. The technology is used in the oyster farming areas of Qinzhou and Beihai.",
           &["Jinjiang oyster", "triploid", "seed production", "Beibu Gulf"])),
    ach("yongjiang-university", "artificial_intelligence", &["G06F 16/3337", "G06F 40/58"], 6, ("software_copyright", "not_applicable", &[]),
        Some(("CNY", 300_000, 800_000)), &["licence_non_exclusive", "service"], true,
        tx("zh", "面向中国—东盟技术文献的多语种检索系统", "支持中文、英文、越南文和泰文技术文献跨语言检索的系统。",
           "系统基于多语种向量表示，将不同语言的技术文本映射到同一语义空间。用户用一种语言检索，即可获得其他语言的相关成果与需求。该系统已在科技服务平台试运行。",
           &["跨语言检索", "多语种", "语义向量", "中国—东盟"]),
        tx("en", "Multilingual retrieval of China-ASEAN technical documents", "A system for cross-language retrieval of technical documents in Chinese, English, Vietnamese and Thai.",
           "The system maps technical texts in different languages into one semantic space using multilingual embeddings. A query in one language finds related offers and needs in the others. It is on trial on a technology service platform.",
           &["cross-language retrieval", "multilingual", "semantic embeddings", "China-ASEAN"])),
    ach("liuzhou-machinery-institute", "machinery", &["E02F 9/22", "F15B 11/16"], 7, ("invention_patent", "granted", &[]),
        Some(("CNY", 1_000_000, 2_500_000)), &["licence_non_exclusive", "joint_development"], false,
        tx("zh", "装载机电液控制节能系统", "装载机负载敏感电液控制系统，可降低整机作业油耗。",
           "系统根据铲装、运输等工况自动调整发动机转速与液压泵排量。整机作业油耗降低约12%，操控更加平顺。已在5吨级装载机上完成工业性试验。",
           &["装载机", "电液控制", "负载敏感", "节能"]),
        tx("en", "Energy-saving electro-hydraulic control for wheel loaders", "A load-sensing electro-hydraulic control system that lowers the fuel use of wheel loaders.",
           "The system adjusts engine speed and pump displacement to each work phase, such as digging or hauling. Fuel consumption falls by about 12% and operation becomes smoother. Field trials have been completed on a 5-tonne wheel loader.",
           &["wheel loader", "electro-hydraulic control", "load sensing", "energy saving"])),
    ach("wuzhou-tea-institute", "modern_agriculture", &["A23F 3/10", "C12N 1/14"], 7, ("invention_patent", "granted", &[]),
        Some(("CNY", 300_000, 1_000_000)), &["licence_non_exclusive", "transfer"], true,
        tx("zh", "六堡茶冠突散囊菌定向发酵工艺", "接种优选冠突散囊菌，控制六堡茶“金花”发酵过程。",
           "本成果筛选出适合六堡茶的冠突散囊菌菌株，并建立了温湿度分段控制工艺。产品“金花”分布均匀，杂菌污染风险降低。适用于六堡茶及其他黑茶生产企业。",
           &["六堡茶", "冠突散囊菌", "金花", "发酵"]),
        tx("en", "Controlled Eurotium cristatum fermentation of Liupao tea", "Inoculation with a selected Eurotium cristatum strain controls the \"golden flower\" fermentation of Liupao tea.",
           "A strain of Eurotium cristatum suited to Liupao tea was selected, and a staged temperature and humidity control process was set up. The golden flowers spread evenly and the risk of contamination by other microbes falls. The process suits producers of Liupao tea and other dark teas.",
           &["Liupao tea", "Eurotium cristatum", "golden flower", "fermentation"])),
    ach("qinzhou-petrochem-institute", "green_petrochemicals", &["B01D 53/047", "C07C 7/12"], 6, ("invention_patent", "filed", &[]),
        None, &["joint_development", "licence_exclusive"], false,
        tx("zh", "炼厂干气变压吸附回收乙烯技术", "采用吸附分离技术从炼厂干气中回收乙烯。",
           "本技术以改性分子筛为吸附剂，通过变压吸附从炼厂干气中回收乙烯。乙烯回收率达到90%以上，能耗低于深冷分离。适用于石化园区炼厂干气综合利用。",
           &["炼厂干气", "乙烯回收", "变压吸附"]),
        tx("en", "Ethylene recovery from refinery dry gas by pressure swing adsorption", "Ethylene is recovered from refinery dry gas by adsorptive separation.",
           "The technology uses a modified molecular sieve in pressure swing adsorption to recover ethylene from refinery dry gas. Ethylene recovery exceeds 90% and energy use is lower than in cryogenic separation. It suits dry gas utilisation in petrochemical parks.",
           &["refinery dry gas", "ethylene recovery", "pressure swing adsorption"])),
    open_call("longcheng-auto-parts", "automotive", &["C22C 21/02", "B22D 17/00"], 4, 2_000_000, &["commissioned_development", "joint_development"],
        "国内外高校、科研院所及企业均可揭榜；牵头单位须具有铝合金材料研发基础，近三年主持过相关科研项目；鼓励产学研联合揭榜。",
        tx("zh", "揭榜挂帅：大型一体化压铸件免热处理铝合金开发", "征集免热处理压铸铝合金材料及工艺，用于大型车身结构件。",
           "我公司计划建设大型一体化压铸生产线，现有铝合金材料需要热处理，容易变形且成本高。本项目征集免热处理压铸铝合金成分设计与配套工艺，要求铸态屈服强度不低于120兆帕、延伸率不低于10%。榜金200万元。",
           &["一体化压铸", "免热处理", "铝合金", "车身结构件"]),
        tx("en", "Open call: non-heat-treated aluminium alloy for large integrated die castings", "We seek a non-heat-treated die-casting aluminium alloy and process for large body structural parts.",
           "We plan a large integrated die-casting line, but our current alloy needs heat treatment, which causes distortion and adds cost. This call seeks an alloy design and matching process with an as-cast yield strength of at least 120 MPa and an elongation of at least 10%. The bounty is CNY 2 million.",
           &["integrated die casting", "non-heat-treated", "aluminium alloy", "body structure"])),
    open_call("qintang-sugar", "modern_agriculture", &["C13B 30/02", "G05B 13/02"], 6, 3_000_000, &["commissioned_development"],
        "国内外高校、科研院所及企业均可揭榜；揭榜团队须有流程工业智能控制项目业绩，并能在一个榨季内完成现场部署。",
        tx("zh", "揭榜挂帅：蔗糖生产全流程智能控制系统", "征集覆盖压榨、澄清、蒸发与煮糖工序的全流程智能控制系统。",
           "我公司日榨甘蔗1万吨，煮糖等工序依赖人工经验，产品质量波动较大。本项目征集全流程智能控制与优化技术，要求吨糖蒸汽消耗降低8%以上。榜金300万元，揭榜团队须在一个榨季内完成现场部署。",
           &["制糖", "智能控制", "煮糖", "节能"]),
        tx("en", "Open call: end-to-end intelligent control for cane sugar production", "We seek an intelligent control system covering milling, clarification, evaporation and sugar boiling.",
           "Our mill crushes 10,000 tonnes of cane a day, and sugar boiling and other steps depend on operators' experience, so quality varies. This call seeks whole-process intelligent control and optimisation that cuts steam use per tonne of sugar by at least 8%. The bounty is CNY 3 million, and the winning team must deploy on site within one crushing season.",
           &["sugar production", "intelligent control", "sugar boiling", "energy saving"])),
    need("lijiang-optoelectronics", "5g_equipment", &["G02B 6/42", "G02B 6/30"], 5, Some(("CNY", 1_000_000, 3_000_000)),
        &["joint_development", "commissioned_development"], false,
        tx("zh", "400G光模块硅光芯片耦合封装技术需求", "寻求400G硅光芯片与光纤阵列的高效耦合封装工艺。",
           "公司现有光模块产品以100G为主，正在开发400G产品。硅光芯片与光纤阵列耦合效率低、对准耗时长。希望与具备硅光封装经验的团队合作开发自动耦合工艺。",
           &["硅光", "光模块", "耦合封装", "400G"]),
        tx("en", "Coupling and packaging of silicon photonic chips for 400G optical modules", "We seek an efficient process for coupling 400G silicon photonic chips to fibre arrays.",
           "Our optical modules are mainly 100G and we are developing 400G products. Coupling between the silicon photonic chip and the fibre array is inefficient and alignment takes too long. We want to work with a team experienced in silicon photonics packaging to develop an automatic coupling process.",
           &["silicon photonics", "optical module", "coupling and packaging", "400G"])),
    need("tianyang-mango", "modern_agriculture", &["A23B 7/155", "A01N 63/00"], 5, Some(("CNY", 300_000, 800_000)),
        &["transfer", "commissioned_development"], true,
        tx("zh", "芒果采后病害绿色防控技术需求", "寻求替代化学杀菌剂的芒果炭疽病采后防控技术。",
           "我公司每年收购加工芒果约2万吨，采后炭疽病导致的损耗率超过10%。希望引进生物防治或物理处理技术，在不使用化学杀菌剂的前提下降低病害损失。技术需适合产地预冷和分级线改造。",
           &["芒果", "炭疽病", "采后保鲜", "生物防治"]),
        tx("en", "Green control of post-harvest mango diseases", "We seek post-harvest control of mango anthracnose that replaces chemical fungicides.",
           "We buy and process about 20,000 tonnes of mangoes a year, and post-harvest anthracnose causes losses above 10%. We want biological or physical treatments that reduce disease losses without chemical fungicides. The technology must fit into our pre-cooling and grading lines at the production site.",
           &["mango", "anthracnose", "post-harvest", "biological control"])),
    need("nandan-tin-indium", "advanced_metal_materials", &["C22B 58/00", "C22B 41/00", "C22B 7/02"], 4, Some(("CNY", 2_000_000, 5_000_000)),
        &["joint_development", "transfer"], false,
        tx("zh", "锡冶炼烟尘中铟锗综合回收技术需求", "寻求从锡冶炼烟尘中高效回收铟、锗等稀散金属的技术。",
           "公司锡冶炼过程每年产生含铟、锗烟尘数百吨，现有工艺回收率不足70%。希望引进湿法浸出与萃取分离新工艺，使铟回收率达到90%以上。公司可提供中试场地与原料。",
           &["锡冶炼", "烟尘", "铟回收", "锗回收"]),
        tx("en", "Recovery of indium and germanium from tin smelting dust", "We seek technology to recover indium, germanium and other scattered metals from tin smelting dust efficiently.",
           "Our tin smelting produces several hundred tonnes of dust containing indium and germanium each year, and current recovery is below 70%. We want a new leaching and solvent extraction process that recovers over 90% of the indium. We can provide a pilot site and feedstock.",
           &["tin smelting", "flue dust", "indium recovery", "germanium recovery"])),
    need("qingxiu-smartcity", "smart_city", &["E01C 23/01", "G06T 7/0004"], 6, Some(("CNY", 500_000, 1_200_000)),
        &["transfer", "commissioned_development"], false,
        tx("zh", "城市道路病害智能巡检技术需求", "寻求基于车载视觉的道路裂缝、坑槽自动识别技术。",
           "公司承担多个城区道路养护项目，病害巡查主要依靠人工，效率低且漏检较多。希望引进车载摄像与深度学习识别技术，实现道路病害的自动发现、定位和统计。系统需能与现有养护管理平台对接。",
           &["道路病害", "智能巡检", "深度学习", "道路养护"]),
        tx("en", "Intelligent inspection of urban road defects", "We seek vehicle-mounted vision technology that detects cracks and potholes automatically.",
           "We maintain roads in several urban districts, and defect inspection is mostly manual, slow and misses many defects. We want vehicle-mounted cameras and deep learning to find, locate and count road defects automatically. The system must connect to our existing maintenance management platform.",
           &["road defects", "intelligent inspection", "deep learning", "road maintenance"])),
    need("fcg-steel-materials", "hydrogen_energy_storage", &["C21B 13/00", "C25B 1/04"], 3, Some(("CNY", 800_000, 1_500_000)),
        &["consulting", "joint_development"], false,
        tx("zh", "钢铁企业氢冶金技术路径咨询需求", "寻求氢冶金与绿氢应用的技术路径咨询与可行性研究。",
           "为落实碳达峰要求，公司计划研究氢气直接还原等低碳冶金路线。希望与研究机构合作开展技术路线比选和经济性分析，并提出示范项目方案。可接受技术咨询或合作开发方式。",
           &["氢冶金", "绿氢", "低碳冶金", "可行性研究"]),
        tx("en", "Consulting on hydrogen metallurgy for a steel company", "We seek consulting and a feasibility study on hydrogen metallurgy and the use of green hydrogen.",
           "To meet carbon peaking goals, we plan to study low-carbon routes such as hydrogen-based direct reduction. We want to work with research institutes on route comparison and economic analysis, and on a proposal for a demonstration project. Consulting or joint development are both acceptable.",
           &["hydrogen metallurgy", "green hydrogen", "low-carbon steelmaking", "feasibility study"])),
    need("yulin-herbal-slices", "biomedicine", &["A61J 3/00", "A61K 36/00"], 6, Some(("CNY", 1_000_000, 2_000_000)),
        &["transfer", "commissioned_development"], false,
        tx("zh", "中药饮片智能化炮制设备需求", "寻求可精确控温、可追溯的中药饮片智能炒制设备。",
           "公司现有炒药机依赖人工控制火候，批间质量差异较大。希望引进具有温度曲线控制、在线颜色检测和数据追溯功能的智能炮制设备。设备需满足药品生产质量管理规范要求。",
           &["中药饮片", "炮制", "智能装备", "质量追溯"]),
        tx("en", "Intelligent processing equipment for herbal slices", "We seek intelligent stir-frying equipment for herbal slices with precise temperature control and traceability.",
           "Our current frying machines rely on operators to control the heat, so quality varies from batch to batch. We want intelligent processing equipment with temperature profile control, online colour measurement and data traceability. The equipment must meet good manufacturing practice requirements for medicines.",
           &["herbal slices", "herbal processing", "intelligent equipment", "traceability"])),
    need("qinzhou-green-chem", "green_petrochemicals", &["B01J 23/62", "C07C 5/333"], 5, Some(("CNY", 3_000_000, 8_000_000)),
        &["joint_development", "licence_exclusive"], false,
        tx("zh", "丙烷脱氢装置催化剂国产化需求", "寻求可替代进口产品的丙烷脱氢催化剂及应用技术。",
           "公司丙烷脱氢装置的催化剂长期依赖进口，采购成本高、供货周期长。希望与具有催化剂研发和工业放大能力的单位合作，开发性能相当的国产催化剂。合作方需提供工业侧线试验数据。",
           &["丙烷脱氢", "催化剂", "国产化"]),
        tx("en", "Domestic catalyst for a propane dehydrogenation unit", "We seek a propane dehydrogenation catalyst and application technology to replace imported products.",
           "Our propane dehydrogenation unit has long relied on imported catalyst, which is costly and slow to deliver. We want to work with a partner able to develop and scale up catalysts to produce a domestic catalyst of equal performance. The partner must provide data from an industrial side-stream test.",
           &["propane dehydrogenation", "catalyst", "import substitution"])),
    need("pingxiang-logistics", "artificial_intelligence", &["G06V 30/41", "G06F 40/58"], 6, Some(("CNY", 400_000, 1_000_000)),
        &["commissioned_development", "service"], true,
        tx("zh", "跨境货运单证智能识别与翻译需求", "寻求中越双语货运单证的自动识别、翻译与核验技术。",
           "公司每天处理大量中越双语报关单、发票和装箱单，人工录入慢且容易出错。希望引进文字识别与机器翻译技术，自动提取关键字段并完成中越文互译。系统需支持本地化部署。",
           &["单证识别", "机器翻译", "跨境物流", "中越双语"]),
        tx("en", "Recognition and translation of cross-border freight documents", "We seek automatic recognition, translation and checking of Chinese-Vietnamese freight documents.",
           "Every day we handle many customs declarations, invoices and packing lists in Chinese and Vietnamese, and manual entry is slow and error-prone. We want text recognition and machine translation that extract key fields and translate between Chinese and Vietnamese automatically. The system must support on-premises deployment.",
           &["document recognition", "machine translation", "cross-border logistics", "Chinese-Vietnamese"])),
];

/// Listings of the ASEAN sample organisations, in their own language, each with a Chinese
/// translation.
const ASEAN_LISTINGS: &[Authored] = &[
    // Vietnam (vi)
    ach("red-river-agrimech", "modern_agriculture", &["F26B 17/12", "A23B 9/08"], 7, ("utility_model", "granted", &["2-2022-00317"]),
        Some(("VND", 450_000_000, 900_000_000)), &["transfer", "licence_non_exclusive"], true,
        tx("vi", "Máy sấy lúa tuần hoàn tiết kiệm năng lượng", "Máy sấy lúa tuần hoàn dùng nhiên liệu trấu, giảm chi phí sấy và giữ chất lượng hạt.",
           "Máy sấy có công suất 10 tấn mỗi mẻ và dùng lò đốt trấu thay cho than. Hệ thống điều khiển tự động giữ nhiệt độ sấy ổn định, giúp giảm tỷ lệ gạo gãy. Thiết bị đã được thử nghiệm tại các hợp tác xã ở Đồng bằng sông Cửu Long.",
           &["sấy lúa", "trấu", "sau thu hoạch"]),
        tx("zh", "节能循环式稻谷烘干机", "以稻壳为燃料的循环式稻谷烘干机，降低烘干成本并保持稻谷品质。",
           "该烘干机每批处理量为10吨，采用稻壳燃烧炉替代燃煤。自动控制系统使烘干温度保持稳定，有助于降低碎米率。设备已在湄公河三角洲的多个合作社开展试验。",
           &["稻谷烘干", "稻壳", "产后处理"])),
    ach("red-river-agrimech", "bio_breeding", &["A01H 4/00", "C12Q 1/6895"], 6, KNOW_HOW,
        None, &["licence_non_exclusive", "service"], true,
        tx("vi", "Quy trình nhân giống sắn sạch bệnh khảm lá", "Quy trình nhân giống sắn sạch bệnh bằng nuôi cấy mô, giúp kiểm soát bệnh khảm lá sắn.",
           "Cây giống được làm sạch bệnh bằng nuôi cấy đỉnh sinh trưởng và được kiểm tra bằng PCR. Quy trình cho phép sản xuất 200.000 cây giống mỗi năm. Giống sạch bệnh cho năng suất củ cao hơn giống đại trà.",
           &["sắn", "nuôi cấy mô", "bệnh khảm lá"]),
        tx("zh", "木薯花叶病脱毒种苗繁育技术", "利用组织培养繁育木薯脱毒种苗，有助于防控木薯花叶病。",
           "种苗通过茎尖培养脱除病毒，并用PCR检测确认。该技术每年可生产20万株种苗。脱毒种苗的块根产量高于普通种苗。",
           &["木薯", "组织培养", "花叶病"])),
    ach("red-river-agrimech", "modern_agriculture", &["A23N 5/00", "B07C 5/10"], 6, ("invention_patent", "filed", &["1-2023-04518"]),
        Some(("VND", 1_200_000_000, 2_000_000_000)), &["transfer", "joint_development"], true,
        tx("vi", "Thiết bị bóc vỏ hạt điều tự động", "Thiết bị bóc vỏ hạt điều tự động, giảm lao động thủ công và tỷ lệ nhân vỡ.",
           "Thiết bị dùng camera để phân loại hạt theo kích thước trước khi bóc vỏ. Công suất đạt 300 kg hạt mỗi giờ. Tỷ lệ nhân nguyên đạt trên 90%.",
           &["hạt điều", "bóc vỏ", "tự động hóa"]),
        tx("zh", "腰果自动脱壳设备", "腰果自动脱壳设备，减少人工并降低碎仁率。",
           "设备在脱壳前利用摄像头按大小对腰果分级。处理能力为每小时300千克。整仁率达到90%以上。",
           &["腰果", "脱壳", "自动化"])),
    ach("red-river-agrimech", "modern_agriculture", &["A23B 7/024", "F26B 5/06"], 7, KNOW_HOW,
        Some(("VND", 800_000_000, 1_500_000_000)), &["licence_non_exclusive", "service"], true,
        tx("vi", "Công nghệ sấy thăng hoa sầu riêng", "Công nghệ sấy thăng hoa giữ hương vị và màu sắc tự nhiên của cơm sầu riêng.",
           "Cơm sầu riêng được cấp đông nhanh rồi sấy thăng hoa trong chân không. Sản phẩm có độ ẩm dưới 5% và bảo quản được 12 tháng. Quy trình phù hợp với các cơ sở chế biến trái cây xuất khẩu.",
           &["sầu riêng", "sấy thăng hoa", "chế biến trái cây"]),
        tx("zh", "榴莲冻干加工技术", "冻干技术可保持榴莲果肉的天然风味和颜色。",
           "榴莲果肉经速冻后在真空中冷冻干燥。产品含水率低于5%，可保存12个月。该工艺适用于出口水果加工企业。",
           &["榴莲", "冷冻干燥", "水果加工"])),
    need("cuulong-agro", "modern_agriculture", &["A23B 7/148"], 6, Some(("VND", 500_000_000, 1_500_000_000)),
        &["transfer", "commissioned_development"], true,
        tx("vi", "Cần công nghệ bảo quản sầu riêng tươi xuất khẩu", "Doanh nghiệp cần công nghệ bảo quản để kéo dài thời gian vận chuyển sầu riêng tươi sang Trung Quốc.",
           "Sầu riêng tươi thường chín nhanh và nứt vỏ trong quá trình vận chuyển. Chúng tôi cần giải pháp bảo quản giữ chất lượng quả ít nhất 20 ngày. Ưu tiên công nghệ đã được thử nghiệm ở quy mô thương mại.",
           &["sầu riêng", "bảo quản", "xuất khẩu"]),
        tx("zh", "寻求鲜榴莲出口保鲜技术", "企业需要保鲜技术，以延长鲜榴莲运往中国的运输时间。",
           "鲜榴莲在运输过程中容易快速成熟和裂壳。我们需要能使果实品质保持至少20天的保鲜方案。优先考虑已在商业规模上试验过的技术。",
           &["榴莲", "保鲜", "出口"])),
    need("cuulong-agro", "modern_agriculture", &["C08B 30/04", "C02F 9/00"], 6, Some(("VND", 5_000_000_000, 12_000_000_000)),
        &["transfer", "joint_development"], true,
        tx("vi", "Tìm dây chuyền chế biến tinh bột sắn tiết kiệm nước", "Nhà máy cần dây chuyền chế biến tinh bột sắn sử dụng ít nước và giảm nước thải.",
           "Nhà máy hiện chế biến 300 tấn củ sắn mỗi ngày. Lượng nước sử dụng và nước thải còn lớn. Chúng tôi muốn hợp tác với đối tác có công nghệ tuần hoàn nước và xử lý nước thải.",
           &["tinh bột sắn", "tiết kiệm nước", "nước thải"]),
        tx("zh", "寻求节水型木薯淀粉加工生产线", "工厂需要用水少、废水少的木薯淀粉加工生产线。",
           "工厂目前每天加工300吨鲜木薯。用水量和废水量仍然较大。我们希望与拥有水循环利用和废水处理技术的合作方合作。",
           &["木薯淀粉", "节水", "废水"])),
    need("cuulong-agro", "electronic_information", &["G06Q 10/0833", "G06K 19/06"], 7, Some(("VND", 300_000_000, 600_000_000)),
        &["commissioned_development", "service"], true,
        tx("vi", "Cần giải pháp truy xuất nguồn gốc gạo bằng mã QR", "Doanh nghiệp cần hệ thống truy xuất nguồn gốc gạo từ ruộng đến cửa hàng.",
           "Hệ thống cần ghi lại thông tin vùng trồng, thu hoạch, chế biến và vận chuyển. Người mua có thể quét mã QR để xem thông tin sản phẩm. Giao diện cần hỗ trợ tiếng Việt, tiếng Anh và tiếng Trung.",
           &["truy xuất nguồn gốc", "gạo", "mã QR"]),
        tx("zh", "寻求大米二维码溯源解决方案", "企业需要一套从田间到门店的大米溯源系统。",
           "系统需要记录种植区域、收获、加工和运输信息。买家扫描二维码即可查看产品信息。界面需支持越南文、英文和中文。",
           &["溯源", "大米", "二维码"])),
    need("cuulong-agro", "modern_agriculture", &["A01D 45/10"], 5, None,
        &["joint_development", "transfer"], true,
        tx("vi", "Tìm đối tác phát triển máy thu hoạch mía cho ruộng nhỏ", "Cần máy thu hoạch mía cỡ nhỏ phù hợp với ruộng có diện tích nhỏ và đất dốc.",
           "Các vùng mía của chúng tôi có ruộng nhỏ, nhiều ruộng nằm trên đất dốc. Máy thu hoạch cỡ lớn không vào được ruộng. Chúng tôi cần đối tác cùng phát triển hoặc chuyển giao máy thu hoạch mía cỡ nhỏ.",
           &["thu hoạch mía", "máy nông nghiệp", "đất dốc"]),
        tx("zh", "寻求适用于小地块的甘蔗收获机合作开发", "需要适合小面积地块和坡地的小型甘蔗收获机。",
           "我们的蔗区地块较小，许多地块位于坡地上。大型收获机无法进入田间作业。我们需要合作方共同开发或转让小型甘蔗收获机。",
           &["甘蔗收获", "农业机械", "坡地"])),
    // Thailand (th)
    ach("isan-cassava-rubber", "modern_agriculture", &["C08B 30/12", "A23L 29/212"], 6, ("invention_patent", "filed", &["2201004567"]),
        Some(("THB", 1_500_000, 3_000_000)), &["licence_non_exclusive", "transfer"], true,
        tx("th", "เทคโนโลยีผลิตแป้งมันสำปะหลังดัดแปรสำหรับอุตสาหกรรมอาหาร", "กระบวนการดัดแปรแป้งมันสำปะหลังด้วยความร้อนชื้น ช่วยให้แป้งทนความร้อนและกรดได้ดีขึ้น",
           "กระบวนการนี้ไม่ใช้สารเคมี จึงเหมาะกับผลิตภัณฑ์อาหารที่ต้องการฉลากสะอาด แป้งที่ได้มีความหนืดคงที่เมื่อผ่านการให้ความร้อน เทคโนโลยีนี้ผ่านการทดสอบในระดับโรงงานต้นแบบแล้ว",
           &["แป้งมันสำปะหลัง", "แป้งดัดแปร", "อุตสาหกรรมอาหาร"]),
        tx("zh", "食品工业用木薯变性淀粉生产技术", "采用湿热处理对木薯淀粉进行改性，提高其耐热和耐酸性能。",
           "该工艺不使用化学试剂，适用于追求清洁标签的食品。所得淀粉在加热后黏度保持稳定。该技术已通过中试工厂规模验证。",
           &["木薯淀粉", "变性淀粉", "食品工业"])),
    ach("isan-cassava-rubber", "frontier_materials", &["C08L 7/00", "C08K 3/36", "B60C 1/00"], 5, ("invention_patent", "filed", &["2301002345"]),
        Some(("THB", 2_000_000, 5_000_000)), &["licence_exclusive", "joint_development"], true,
        tx("th", "สูตรยางธรรมชาติผสมซิลิกาสำหรับดอกยางล้อ", "สูตรยางธรรมชาติผสมซิลิกาที่ช่วยลดแรงต้านการหมุนและเพิ่มการยึดเกาะถนนเปียก",
           "สูตรนี้ใช้ยางธรรมชาติจากภาคอีสานเป็นวัตถุดิบหลัก ผลการทดสอบพบว่าแรงต้านการหมุนลดลงประมาณ 15% สูตรนี้เหมาะสำหรับผู้ผลิตยางล้อรถยนต์และรถจักรยานยนต์",
           &["ยางธรรมชาติ", "ซิลิกา", "ยางล้อ"]),
        tx("zh", "轮胎胎面用天然橡胶/白炭黑配方", "天然橡胶与白炭黑复合配方，可降低滚动阻力并提高湿地抓地力。",
           "该配方以泰国东北部的天然橡胶为主要原料。测试结果表明滚动阻力降低约15%。该配方适用于汽车和摩托车轮胎生产企业。",
           &["天然橡胶", "白炭黑", "轮胎"])),
    ach("isan-cassava-rubber", "electronic_information", &["G01N 22/00", "G01N 33/44"], 7, ("utility_model", "granted", &["2203001234"]),
        Some(("THB", 300_000, 800_000)), &["transfer", "licence_non_exclusive"], true,
        tx("th", "เครื่องวัดเนื้อยางแห้งในน้ำยางสดแบบพกพา", "เครื่องมือพกพาสำหรับวัดเปอร์เซ็นต์เนื้อยางแห้งในน้ำยางสดได้ภายในหนึ่งนาที",
           "เครื่องนี้ใช้หลักการวัดด้วยคลื่นไมโครเวฟ เกษตรกรและจุดรับซื้อน้ำยางสามารถใช้งานได้ง่าย ช่วยให้การซื้อขายน้ำยางมีความเป็นธรรมมากขึ้น",
           &["น้ำยางสด", "เนื้อยางแห้ง", "เครื่องมือวัด"]),
        tx("zh", "便携式鲜胶乳干胶含量测定仪", "可在一分钟内测定鲜胶乳干胶含量的便携式仪器。",
           "该仪器采用微波测量原理。胶农和胶乳收购点都可以方便使用。有助于胶乳交易更加公平。",
           &["鲜胶乳", "干胶含量", "测量仪器"])),
    ach("isan-cassava-rubber", "ecology_carbon_neutrality", &["C05F 11/08", "C05F 5/00"], 7, KNOW_HOW,
        None, &["licence_non_exclusive", "service"], true,
        tx("th", "ปุ๋ยอินทรีย์ชีวภาพจากกากมันสำปะหลัง", "กระบวนการหมักกากมันสำปะหลังด้วยจุลินทรีย์เพื่อผลิตปุ๋ยอินทรีย์ชีวภาพ",
           "กากมันสำปะหลังเป็นของเหลือจากโรงงานแป้งที่มีปริมาณมาก กระบวนการหมักใช้เวลาประมาณ 30 วัน ปุ๋ยที่ได้ช่วยปรับปรุงโครงสร้างดินและลดการใช้ปุ๋ยเคมี",
           &["กากมันสำปะหลัง", "ปุ๋ยอินทรีย์", "การหมัก"]),
        tx("zh", "木薯渣生物有机肥生产技术", "利用微生物发酵木薯渣生产生物有机肥的工艺。",
           "木薯渣是淀粉厂产量很大的副产物。发酵过程约需30天。所得肥料可改善土壤结构并减少化肥用量。",
           &["木薯渣", "有机肥", "发酵"])),
    ach("isan-cassava-rubber", "high_end_equipment", &["A01G 23/10", "B25J 11/00"], 5, ("invention_patent", "filed", &["2401001876"]),
        None, &["joint_development", "equity"], true,
        tx("th", "หุ่นยนต์กรีดยางอัตโนมัติต้นแบบ", "หุ่นยนต์ต้นแบบที่กรีดยางได้เองในเวลากลางคืน ช่วยแก้ปัญหาการขาดแคลนแรงงานกรีดยาง",
           "หุ่นยนต์ติดตั้งบนรางรอบต้นยางและควบคุมความลึกของการกรีดได้ การทดสอบในสวนยางพบว่าหน้ากรีดเสียหายน้อยกว่าการกรีดด้วยมือ ทีมวิจัยต้องการพันธมิตรเพื่อพัฒนาต่อไปสู่การผลิตเชิงพาณิชย์",
           &["กรีดยาง", "หุ่นยนต์", "สวนยางพารา"]),
        tx("zh", "自动割胶机器人样机", "可在夜间自动割胶的机器人样机，有助于缓解割胶工短缺问题。",
           "机器人安装在环绕胶树的轨道上，可以控制割胶深度。胶园试验表明，其对割面的损伤小于人工割胶。研发团队正在寻找合作伙伴推进商业化生产。",
           &["割胶", "机器人", "橡胶园"])),
    need("chaophraya-foodtech", "modern_agriculture", &["A23B 7/16"], 6, Some(("THB", 1_000_000, 2_500_000)),
        &["transfer", "commissioned_development"], true,
        tx("th", "ต้องการเทคโนโลยียืดอายุมะพร้าวน้ำหอมสำหรับส่งออก", "บริษัทต้องการวิธีรักษาคุณภาพมะพร้าวน้ำหอมระหว่างการขนส่งไปยังประเทศจีน",
           "มะพร้าวน้ำหอมที่ปอกเปลือกแล้วมักมีสีคล้ำและเกิดเชื้อราระหว่างการขนส่ง บริษัทต้องการเทคโนโลยีที่ไม่ใช้สารเคมีต้องห้ามและยืดอายุได้อย่างน้อย 45 วัน",
           &["มะพร้าวน้ำหอม", "การเก็บรักษา", "ส่งออก"]),
        tx("zh", "寻求出口香水椰子保鲜技术", "公司需要在运往中国途中保持香水椰子品质的方法。",
           "去皮后的香水椰子在运输中容易褐变和发霉。公司需要不使用违禁化学品、能将保鲜期延长至少45天的技术。",
           &["香水椰子", "保鲜", "出口"])),
    need("chaophraya-foodtech", "artificial_intelligence", &["B07C 5/342", "G06T 7/0004"], 7, Some(("THB", 2_500_000, 6_000_000)),
        &["transfer", "commissioned_development"], true,
        tx("th", "ต้องการระบบคัดแยกมะม่วงด้วยกล้องและปัญญาประดิษฐ์", "โรงคัดบรรจุต้องการระบบคัดแยกขนาดและตำหนิผิวของมะม่วงโดยอัตโนมัติ",
           "ปัจจุบันโรงคัดบรรจุใช้แรงงานคนคัดแยกมะม่วงวันละประมาณ 20 ตัน ระบบใหม่ต้องคัดแยกได้อย่างน้อย 5 ตันต่อชั่วโมงและต้องเชื่อมต่อกับสายพานเดิมได้",
           &["มะม่วง", "คัดแยกอัตโนมัติ", "ปัญญาประดิษฐ์"]),
        tx("zh", "寻求基于摄像头和人工智能的芒果分选系统", "包装厂需要自动分选芒果大小和表皮缺陷的系统。",
           "目前包装厂每天约20吨芒果依靠人工分选。新系统每小时须分选至少5吨，并能与现有输送带对接。",
           &["芒果", "自动分选", "人工智能"])),
    need("chaophraya-foodtech", "ecology_carbon_neutrality", &["C02F 3/28", "C12P 5/02"], 7, None,
        &["transfer", "joint_development"], true,
        tx("th", "ต้องการระบบผลิตก๊าซชีวภาพจากน้ำเสียโรงงานแป้งมันสำปะหลัง", "โรงงานต้องการระบบบำบัดน้ำเสียแบบไร้อากาศที่ผลิตก๊าซชีวภาพเพื่อใช้ในโรงงาน",
           "โรงงานมีน้ำเสียประมาณ 2,000 ลูกบาศก์เมตรต่อวัน บ่อบำบัดแบบเปิดเดิมส่งกลิ่นและปล่อยก๊าซเรือนกระจก บริษัทต้องการนำก๊าซชีวภาพไปใช้แทนน้ำมันเตาในหม้อไอน้ำ",
           &["ก๊าซชีวภาพ", "น้ำเสีย", "แป้งมันสำปะหลัง"]),
        tx("zh", "寻求木薯淀粉厂废水沼气工程技术", "工厂需要利用厌氧工艺处理废水并生产沼气供厂内使用的系统。",
           "工厂每天产生约2000立方米废水。原有敞开式处理池有异味并排放温室气体。公司希望用沼气替代锅炉燃用的重油。",
           &["沼气", "废水", "木薯淀粉"])),
    // Malaysia (ms)
    ach("ec-utech", "artificial_intelligence", &["G06V 20/188", "A01B 79/005"], 6, KNOW_HOW,
        Some(("MYR", 150_000, 400_000)), &["licence_non_exclusive", "joint_development"], true,
        tx("ms", "Sistem pengesanan awal penyakit reput pangkal batang sawit", "Sistem ini menggunakan dron dan pembelajaran mesin untuk mengesan pokok sawit yang dijangkiti Ganoderma pada peringkat awal.",
           "Dron merakam imej multispektrum kawasan ladang. Model pembelajaran mesin mengenal pasti pokok yang menunjukkan tanda tekanan. Ketepatan pengesanan melebihi 85% dalam ujian lapangan di Pahang.",
           &["sawit", "Ganoderma", "dron"]),
        tx("zh", "油棕基腐病早期检测系统", "该系统利用无人机和机器学习，在早期发现感染灵芝菌的油棕树。",
           "无人机拍摄种植园的多光谱影像。机器学习模型识别出现胁迫迹象的油棕树。在彭亨州的田间试验中，检测准确率超过85%。",
           &["油棕", "灵芝菌", "无人机"])),
    ach("ec-utech", "ecology_carbon_neutrality", &["C10L 5/44"], 7, ("invention_patent", "granted", &["MY-185432-A"]),
        Some(("MYR", 500_000, 1_200_000)), &["transfer", "licence_non_exclusive"], true,
        tx("ms", "Pelet bahan api biojisim daripada tandan kosong sawit", "Proses menghasilkan pelet bahan api biojisim berkualiti tinggi daripada tandan kosong sawit.",
           "Tandan kosong dikeringkan dan dikurangkan kandungan kaliumnya sebelum dipelet. Pelet yang dihasilkan mempunyai nilai kalori yang stabil dan kandungan abu yang rendah. Teknologi ini sesuai untuk kilang sawit dan loji janakuasa biojisim.",
           &["tandan kosong sawit", "biojisim", "pelet"]),
        tx("zh", "油棕空果串生物质燃料颗粒技术", "利用油棕空果串生产优质生物质燃料颗粒的工艺。",
           "空果串经干燥和脱钾处理后再压制成颗粒。所得颗粒热值稳定、灰分低。该技术适用于棕榈油厂和生物质电厂。",
           &["油棕空果串", "生物质", "燃料颗粒"])),
    ach("ec-utech", "health_elderly_care", &["C08L 9/04", "A41D 19/00"], 8, ("invention_patent", "filed", &["PI2023004521"]),
        Some(("MYR", 800_000, 1_500_000)), &["licence_exclusive", "licence_non_exclusive"], true,
        tx("ms", "Formulasi sarung tangan nitril tanpa pemecut", "Formulasi lateks nitril tanpa pemecut untuk mengurangkan risiko alahan kulit dalam kalangan pengguna sarung tangan.",
           "Formulasi ini menggunakan sistem pemvulkanan ion logam dan bukan pemecut sulfur. Sarung tangan yang dihasilkan mempunyai kekuatan tegangan yang memenuhi piawaian antarabangsa. Proses ini boleh digunakan pada talian pencelupan sedia ada.",
           &["sarung tangan nitril", "tanpa pemecut", "alahan kulit"]),
        tx("zh", "无促进剂丁腈手套配方", "无促进剂的丁腈胶乳配方，可降低手套使用者的皮肤过敏风险。",
           "该配方采用金属离子硫化体系，而不是硫黄促进剂。所生产手套的拉伸强度符合国际标准。该工艺可在现有浸渍生产线上使用。",
           &["丁腈手套", "无促进剂", "皮肤过敏"])),
    ach("ec-utech", "marine", &["G01N 31/22", "G01N 33/18"], 7, ("utility_model", "filed", &["UI2022001234"]),
        Some(("MYR", 100_000, 250_000)), &["licence_non_exclusive", "transfer"], true,
        tx("ms", "Kit ujian pantas ammonia dan nitrit untuk kolam akuakultur", "Kit ujian murah yang membolehkan penternak mengukur ammonia dan nitrit dalam air kolam dalam masa lima minit.",
           "Kit ini menggunakan jalur kertas dan aplikasi telefon pintar untuk membaca warna. Keputusan ujian hampir sama dengan kaedah makmal. Penternak boleh bertindak lebih awal sebelum ikan atau udang mati.",
           &["akuakultur", "kualiti air", "ujian pantas"]),
        tx("zh", "养殖池塘氨氮和亚硝酸盐快速检测试剂盒", "一种低成本检测试剂盒，养殖户可在五分钟内测定池塘水中的氨氮和亚硝酸盐。",
           "该试剂盒使用试纸条和智能手机应用程序读取颜色。检测结果与实验室方法接近。养殖户可以在鱼虾死亡之前及早采取措施。",
           &["水产养殖", "水质", "快速检测"])),
    need("selangor-palm", "ecology_carbon_neutrality", &["C02F 3/28", "C02F 103/32"], 7, Some(("MYR", 2_000_000, 5_000_000)),
        &["transfer", "joint_development"], true,
        tx("ms", "Mencari teknologi rawatan efluen kilang minyak sawit", "Syarikat memerlukan teknologi untuk merawat efluen kilang minyak sawit supaya memenuhi had pelepasan yang lebih ketat.",
           "Kilang kami memproses 60 tan buah tandan segar sejam. Sistem kolam sedia ada memerlukan kawasan yang luas dan sukar mencapai had BOD baharu. Kami berminat dengan teknologi yang juga dapat memerangkap biogas.",
           &["efluen kilang sawit", "rawatan air sisa", "biogas"]),
        tx("zh", "寻求棕榈油厂废水处理技术", "公司需要处理棕榈油厂废水的技术，以满足更严格的排放限值。",
           "我们的工厂每小时加工60吨鲜果串。现有氧化塘系统占地面积大，难以达到新的BOD限值。我们对同时能够回收沼气的技术感兴趣。",
           &["棕榈油厂废水", "污水处理", "沼气"])),
    need("selangor-palm", "modern_agriculture", &["A01D 46/24", "A01D 46/30"], 6, None,
        &["transfer", "commissioned_development"], true,
        tx("ms", "Memerlukan alat penuai tandan sawit bermotor untuk pokok tinggi", "Syarikat mencari alat penuai bermotor yang ringan untuk menuai tandan sawit daripada pokok yang lebih tinggi daripada 10 meter.",
           "Kekurangan pekerja penuai menjadi masalah utama di ladang kami. Alat sedia ada terlalu berat untuk digunakan sepanjang hari. Kami memerlukan alat yang ringan, selamat dan mudah diselenggara.",
           &["penuaian sawit", "jentera ladang", "kekurangan pekerja"]),
        tx("zh", "寻求适用于高大油棕树的动力采果工具", "公司正在寻找轻便的动力采果工具，用于采收10米以上油棕树的果串。",
           "采收工人短缺是我们种植园的主要问题。现有工具过重，难以全天使用。我们需要轻便、安全且易于维护的工具。",
           &["油棕采收", "农业机械", "劳动力短缺"])),
    need("selangor-palm", "green_petrochemicals", &["C11B 1/02", "C12N 9/24"], 5, Some(("MYR", 200_000, 500_000)),
        &["joint_development", "commissioned_development"], true,
        tx("ms", "Mencari enzim untuk meningkatkan kadar perahan minyak sawit", "Syarikat ingin menguji enzim yang dapat meningkatkan kadar perahan minyak di kilang sawit.",
           "Kadar perahan minyak di kilang kami kini sekitar 20%. Kami mencari rakan kongsi yang mempunyai enzim dan kaedah penggunaan yang telah diuji di kilang. Ujian perintis akan dijalankan di Selangor.",
           &["kadar perahan minyak", "enzim", "kilang sawit"]),
        tx("zh", "寻求提高棕榈油出油率的酶制剂", "公司希望测试能够提高棕榈油厂出油率的酶制剂。",
           "我们工厂目前的出油率约为20%。我们正在寻找拥有经过工厂验证的酶制剂及使用方法的合作伙伴。中试将在雪兰莪州进行。",
           &["出油率", "酶制剂", "棕榈油厂"])),
    // Indonesia (id)
    ach("nusantara-fisheries", "marine", &["A01K 61/59", "A01K 63/04"], 7, KNOW_HOW,
        Some(("IDR", 150_000_000, 400_000_000)), &["licence_non_exclusive", "service"], true,
        tx("id", "Teknologi budidaya udang vaname sistem bioflok", "Teknologi budidaya udang vaname dengan sistem bioflok yang menghemat air dan pakan.",
           "Sistem bioflok memanfaatkan bakteri untuk mengubah limbah nitrogen menjadi pakan alami. Air kolam tidak perlu sering diganti. Uji coba di Jawa Timur menunjukkan rasio konversi pakan turun menjadi 1,2.",
           &["udang vaname", "bioflok", "budidaya"]),
        tx("zh", "南美白对虾生物絮团养殖技术", "采用生物絮团系统养殖南美白对虾，可节约用水和饲料。",
           "生物絮团系统利用细菌将含氮废物转化为天然饵料。池塘无需频繁换水。在东爪哇的试验表明，饲料系数降至1.2。",
           &["南美白对虾", "生物絮团", "养殖"])),
    ach("nusantara-fisheries", "modern_agriculture", &["A23K 50/80", "A23K 10/20"], 8, ("invention_patent", "filed", &["P00202304512"]),
        Some(("IDR", 75_000_000, 200_000_000)), &["licence_non_exclusive", "transfer"], true,
        tx("id", "Pakan ikan nila berbahan larva lalat tentara hitam", "Formula pakan ikan nila yang mengganti sebagian tepung ikan dengan tepung larva lalat tentara hitam.",
           "Larva dibudidayakan dari limbah organik pasar. Tepung larva dapat menggantikan hingga 50% tepung ikan dalam pakan. Pertumbuhan ikan nila tetap baik dan biaya pakan lebih rendah.",
           &["ikan nila", "larva lalat tentara hitam", "pakan ikan"]),
        tx("zh", "以黑水虻幼虫为原料的罗非鱼饲料", "用黑水虻幼虫粉部分替代鱼粉的罗非鱼饲料配方。",
           "黑水虻幼虫利用农贸市场的有机废弃物养殖。幼虫粉可替代饲料中最多50%的鱼粉。罗非鱼生长良好，饲料成本更低。",
           &["罗非鱼", "黑水虻", "鱼饲料"])),
    ach("nusantara-fisheries", "marine", &["C08B 37/00", "A23L 17/60"], 7, KNOW_HOW,
        None, &["transfer", "service"], true,
        tx("id", "Proses ekstraksi karaginan semi-murni dari rumput laut", "Proses ekstraksi karaginan semi-murni yang sederhana untuk koperasi pembudidaya rumput laut.",
           "Rumput laut Eucheuma diolah dengan larutan alkali pada suhu rendah. Proses ini menggunakan peralatan sederhana dan hemat energi. Produknya dapat dijual ke industri makanan dengan harga lebih tinggi daripada rumput laut kering.",
           &["rumput laut", "karaginan", "Eucheuma"]),
        tx("zh", "海藻半精制卡拉胶提取工艺", "一种适合海藻养殖合作社使用的简易半精制卡拉胶提取工艺。",
           "麒麟菜在较低温度下用碱液处理。该工艺设备简单、节约能源。产品可以高于干海藻的价格出售给食品企业。",
           &["海藻", "卡拉胶", "麒麟菜"])),
    ach("nusantara-fisheries", "electronic_information", &["G01N 33/18", "A01K 63/04"], 7, ("software_copyright", "not_applicable", &["EC00202312345"]),
        Some(("IDR", 50_000_000, 150_000_000)), &["licence_non_exclusive", "service"], true,
        tx("id", "Sistem pemantauan kualitas air tambak berbasis Internet of Things", "Sensor dan aplikasi ponsel untuk memantau oksigen terlarut, suhu, dan pH air tambak secara terus-menerus.",
           "Sensor mengirim data setiap lima menit ke server melalui jaringan seluler. Aplikasi memberi peringatan jika oksigen terlarut terlalu rendah. Kincir air dapat dinyalakan secara otomatis.",
           &["tambak", "kualitas air", "Internet of Things"]),
        tx("zh", "基于物联网的养殖塘水质监测系统", "用于连续监测养殖塘溶解氧、水温和pH值的传感器和手机应用。",
           "传感器每五分钟通过移动网络向服务器发送一次数据。溶解氧过低时应用程序会发出警报。增氧机可以自动开启。",
           &["养殖塘", "水质", "物联网"])),
    need("sumatra-green-rubber", "ecology_carbon_neutrality", &["B01D 53/74", "C08C 1/00"], 7, Some(("IDR", 1_500_000_000, 4_000_000_000)),
        &["transfer", "commissioned_development"], true,
        tx("id", "Mencari teknologi pengurangan bau pada pabrik karet remah", "Perusahaan membutuhkan teknologi untuk mengurangi bau dari proses pengeringan karet remah.",
           "Pabrik kami berada dekat permukiman warga. Bau dari bahan olah karet dan proses pengeringan sering dikeluhkan. Kami mencari sistem pengolahan udara buang yang hemat biaya dan mudah dirawat.",
           &["karet remah", "pengendalian bau", "udara buang"]),
        tx("zh", "寻求颗粒胶工厂除臭技术", "公司需要减少颗粒胶干燥工序异味的技术。",
           "我们的工厂靠近居民区。胶料和干燥工序产生的异味经常遭到投诉。我们正在寻找成本低、易于维护的废气处理系统。",
           &["颗粒胶", "除臭", "废气"])),
    need("sumatra-green-rubber", "bio_breeding", &["A01H 6/00", "A01G 2/30"], 6, Some(("IDR", 500_000_000, 1_200_000_000)),
        &["transfer", "service"], true,
        tx("id", "Membutuhkan bibit karet klon unggul dengan produksi lateks tinggi", "Perusahaan mencari mitra untuk menyediakan dan mengembangkan bibit karet klon unggul bagi petani plasma.",
           "Banyak kebun petani masih menggunakan pohon tua dengan produksi rendah. Kami membutuhkan klon yang tahan penyakit gugur daun dan cepat disadap. Mitra juga diharapkan memberi pelatihan pembibitan okulasi.",
           &["bibit karet", "klon unggul", "okulasi"]),
        tx("zh", "寻求高产胶优良橡胶无性系种苗", "公司正在寻找合作伙伴，为合作农户提供并开发优良橡胶无性系种苗。",
           "许多农户的胶园仍是产量低的老树。我们需要抗落叶病、可提早开割的无性系。也希望合作方提供芽接育苗培训。",
           &["橡胶种苗", "优良无性系", "芽接"])),
    need("sumatra-green-rubber", "frontier_materials", &["C08L 95/00", "C08L 7/00"], 6, None,
        &["transfer", "joint_development"], true,
        tx("id", "Mencari teknologi campuran aspal karet untuk jalan perkebunan", "Perusahaan ingin memanfaatkan karet alam sebagai bahan campuran aspal untuk jalan di kawasan perkebunan.",
           "Jalan perkebunan cepat rusak karena truk bermuatan berat dan hujan deras. Campuran aspal karet diharapkan lebih tahan lama. Kami membutuhkan formula dan panduan pencampuran yang sudah diuji di lapangan.",
           &["aspal karet", "karet alam", "jalan"]),
        tx("zh", "寻求用于种植园道路的橡胶沥青技术", "公司希望将天然橡胶用作种植园道路沥青的掺合料。",
           "由于重载卡车和暴雨，种植园道路损坏很快。期望橡胶沥青混合料更加耐久。我们需要经过实地验证的配方和拌和指南。",
           &["橡胶沥青", "天然橡胶", "道路"])),
    // Singapore (en)
    ach("lioncity-urbantech", "smart_city", &["F24F 11/46", "G06Q 50/06"], 9, KNOW_HOW,
        Some(("SGD", 150_000, 400_000)), &["licence_non_exclusive", "service"], true,
        tx("en", "Digital twin platform for district cooling networks", "A digital twin platform that predicts cooling demand and optimises chiller operation in district cooling networks.",
           "The platform combines building sensor data, weather forecasts and a hydraulic model of the network. It schedules chillers and thermal storage to reduce energy use. It has run in a business park for two years.",
           &["digital twin", "district cooling", "energy optimisation"]),
        tx("zh", "区域供冷管网数字孪生平台", "用于预测供冷需求、优化区域供冷管网冷水机组运行的数字孪生平台。",
           "该平台融合建筑传感器数据、天气预报和管网水力模型。它对冷水机组和蓄冷设施进行调度，以降低能耗。该平台已在一个商务园区运行两年。",
           &["数字孪生", "区域供冷", "能效优化"])),
    ach("lioncity-urbantech", "health_elderly_care", &["G10L 15/22", "G16H 80/00"], 8, KNOW_HOW,
        Some(("SGD", 80_000, 200_000)), &["licence_non_exclusive", "joint_development"], true,
        tx("en", "Multilingual speech assistant for elderly care hotlines", "A speech assistant that answers routine calls to elderly care hotlines in English, Chinese, Malay and Tamil.",
           "The assistant recognises speech, answers common questions and passes urgent calls to staff. It was trained on de-identified call records. Hotline staff can spend more time on complex cases.",
           &["speech recognition", "elderly care", "multilingual"]),
        tx("zh", "面向养老服务热线的多语种语音助手", "以英语、中文、马来语和泰米尔语应答养老服务热线常规来电的语音助手。",
           "该助手能够识别语音、回答常见问题，并将紧急来电转给工作人员。模型基于去标识化的通话记录训练。热线工作人员可以把更多时间用于复杂个案。",
           &["语音识别", "养老服务", "多语种"])),
    need("lioncity-urbantech", "smart_city", &["G01F 23/00", "G08B 21/10"], 7, Some(("SGD", 100_000, 250_000)),
        &["transfer", "commissioned_development"], true,
        tx("en", "Seeking low-cost water level sensors for urban drains", "We need robust, low-cost water level sensors for a flash flood warning network in urban drains.",
           "The sensors must run on battery power for at least two years. They must send data over NB-IoT or LoRaWAN. We plan a pilot of 200 sensors and welcome partners from China and ASEAN.",
           &["water level sensor", "flood warning", "NB-IoT"]),
        tx("zh", "寻求用于城市排水渠的低成本水位传感器", "我们需要耐用、低成本的水位传感器，用于城市排水渠的暴雨内涝预警网络。",
           "传感器须依靠电池工作至少两年，并通过NB-IoT或LoRaWAN发送数据。我们计划开展200个传感器的试点，欢迎中国和东盟的合作伙伴参与。",
           &["水位传感器", "内涝预警", "窄带物联网"])),
    // Philippines (en)
    ach("visayas-coconut", "modern_agriculture", &["C11B 1/10", "A23D 9/02"], 8, KNOW_HOW,
        Some(("PHP", 500_000, 1_200_000)), &["licence_non_exclusive", "service"], true,
        tx("en", "Virgin coconut oil production by natural fermentation", "A village-scale process that produces virgin coconut oil by natural fermentation without heating.",
           "Fresh coconut milk is fermented for 24 to 36 hours and the oil separates by itself. The process needs simple equipment and little energy. The oil keeps its natural aroma and has a low free fatty acid content.",
           &["virgin coconut oil", "fermentation", "village-scale processing"]),
        tx("zh", "自然发酵法生产初榨椰子油", "一种在不加热条件下通过自然发酵生产初榨椰子油的村级加工工艺。",
           "新鲜椰奶发酵24至36小时后，油脂会自行分离。该工艺设备简单、能耗低。所得椰子油保持天然香气，游离脂肪酸含量低。",
           &["初榨椰子油", "发酵", "村级加工"])),
    ach("visayas-coconut", "ecology_carbon_neutrality", &["E02D 17/20", "E02B 3/12"], 9, ("utility_model", "granted", &["2-2021-000456"]),
        Some(("PHP", 300_000, 800_000)), &["transfer", "licence_non_exclusive"], true,
        tx("en", "Coir nets for slope and riverbank protection", "Woven nets made from coconut husk fibre that protect slopes and riverbanks from erosion.",
           "The nets hold soil in place while grass and shrubs take root. They break down naturally in three to five years. Local cooperatives can make them from husks that are usually burned.",
           &["coir", "geotextile", "erosion control"]),
        tx("zh", "用于边坡和河岸防护的椰丝网", "用椰壳纤维编织的网，可保护边坡和河岸免受侵蚀。",
           "椰丝网在草和灌木扎根期间固定土壤。它们会在三至五年内自然降解。当地合作社可以利用通常被焚烧的椰壳生产。",
           &["椰壳纤维", "土工网", "防止水土流失"])),
    need("visayas-coconut", "bio_breeding", &["A01H 4/00"], 6, Some(("PHP", 2_000_000, 5_000_000)),
        &["licence_non_exclusive", "service"], true,
        tx("en", "Seeking tissue culture technology for coconut seedlings", "We seek a partner with tissue culture or embryo culture methods to mass-produce high-yield coconut seedlings.",
           "Many coconut trees in the Visayas are old and were damaged by typhoons. Replanting needs millions of good seedlings. We want to license a proven method and train our laboratory staff.",
           &["coconut", "embryo culture", "seedlings"]),
        tx("zh", "寻求椰子组培育苗技术", "我们寻求拥有组织培养或胚培养方法的合作伙伴，以批量生产高产椰子种苗。",
           "米沙鄢地区的许多椰子树树龄较老，并受到台风破坏。重新种植需要数百万株优质种苗。我们希望获得成熟方法的许可，并培训我方实验室人员。",
           &["椰子", "胚培养", "种苗"])),
    // Cambodia (en)
    need("tonlesap-rice", "ecology_carbon_neutrality", &["A01F 15/00", "C10L 5/44"], 6, Some(("USD", 50_000, 150_000)),
        &["transfer", "joint_development"], true,
        tx("en", "Seeking technology to turn rice straw into products", "We want to collect rice straw and turn it into mushroom substrate, animal feed or biomass pellets instead of burning it.",
           "Farmers around the Tonle Sap burn most of their rice straw after harvest. We need small balers and simple processing lines suited to smallholder fields. A joint pilot in Battambang province is planned.",
           &["rice straw", "biomass", "smallholder farming"]),
        tx("zh", "寻求稻草资源化利用技术", "我们希望收集稻草，将其制成食用菌基质、动物饲料或生物质颗粒，而不是焚烧。",
           "洞里萨湖周边的农户在收获后焚烧大部分稻草。我们需要适合小农户地块的小型打捆机和简易加工线。计划在马德望省开展联合试点。",
           &["稻草", "生物质", "小农户"])),
    need("tonlesap-rice", "modern_agriculture", &["B07C 5/342"], 7, Some(("USD", 30_000, 80_000)),
        &["transfer", "service"], true,
        tx("en", "Seeking an affordable colour sorter for milled rice", "A rice mill seeks an affordable optical colour sorter to remove discoloured and broken grains from fragrant rice.",
           "Our mill processes about 100 tonnes of paddy per day for export. Buyers demand fewer discoloured grains. We need a sorter with local after-sales service and training for operators.",
           &["colour sorter", "milled rice", "fragrant rice"]),
        tx("zh", "寻求经济实用的大米色选机", "一家碾米厂寻求经济实用的光学色选机，用于剔除香米中的异色粒和碎米。",
           "我厂每天加工约100吨稻谷用于出口。买家要求降低异色粒比例。我们需要能提供本地售后服务和操作人员培训的色选机。",
           &["色选机", "大米", "香米"])),
    ach("tonlesap-rice", "modern_agriculture", &["F26B 3/28", "F26B 23/02"], 8, NO_IP,
        Some(("USD", 20_000, 60_000)), &["transfer", "licence_non_exclusive"], true,
        tx("en", "Solar-assisted paddy dryer for farmer groups", "A low-cost paddy dryer that uses solar heat, with a rice husk burner as backup.",
           "The dryer handles two tonnes of wet paddy per batch. Solar collectors provide most of the heat on sunny days. Farmer groups in Cambodia have used it for three seasons.",
           &["paddy drying", "solar energy", "rice husk"]),
        tx("zh", "太阳能辅助稻谷烘干机", "一种以太阳能供热、以稻壳炉为备用热源的低成本稻谷烘干机。",
           "该烘干机每批可处理两吨湿稻谷。晴天时大部分热量来自太阳能集热器。柬埔寨的农民小组已使用了三个季度。",
           &["稻谷烘干", "太阳能", "稻壳"])),
    // Laos (en)
    ach("vientiane-rural-dev", "ecology_carbon_neutrality", &["F03B 15/00", "H02J 13/00"], 8, NO_IP,
        Some(("USD", 40_000, 100_000)), &["licence_non_exclusive", "service"], true,
        tx("en", "Remote monitoring system for small hydropower plants", "A remote monitoring system that tracks turbine, generator and water level data of small hydropower plants.",
           "The system sends data over the mobile network to a control centre. Operators receive alarms when bearings overheat or the water level drops. It is designed for plants of 1 to 15 megawatts in mountain areas.",
           &["small hydropower", "remote monitoring", "SCADA"]),
        tx("zh", "小水电站远程监控系统", "用于监测小水电站水轮机、发电机和水位数据的远程监控系统。",
           "系统通过移动网络将数据发送至控制中心。轴承过热或水位下降时，运行人员会收到警报。该系统面向山区1至15兆瓦的电站设计。",
           &["小水电", "远程监控", "数据采集与监控"])),
    need("vientiane-rural-dev", "hydrogen_energy_storage", &["H02J 7/35", "H02J 3/32"], 7, Some(("USD", 300_000, 900_000)),
        &["transfer", "service"], true,
        tx("en", "Seeking solar and battery storage systems for off-grid villages", "We seek partners to supply and maintain solar mini-grids with battery storage for remote villages in northern Laos.",
           "About 40 villages in our project area have no grid connection. Each village needs 30 to 80 kilowatt-hours of storage. Partners should offer long-life batteries, remote monitoring and local training.",
           &["mini-grid", "battery storage", "rural electrification"]),
        tx("zh", "寻求离网村庄光伏储能系统", "我们寻求合作伙伴，为老挝北部偏远村庄提供并维护带电池储能的光伏微电网。",
           "项目区内约40个村庄尚未接入电网。每个村庄需要30至80千瓦时的储能容量。合作方应提供长寿命电池、远程监控和本地培训。",
           &["微电网", "电池储能", "农村电气化"])),
    need("vientiane-rural-dev", "modern_agriculture", &["A23F 5/02", "C02F 9/00"], 6, Some(("USD", 60_000, 150_000)),
        &["transfer", "commissioned_development"], true,
        tx("en", "Seeking wet processing technology for Bolaven Plateau coffee", "We seek water-saving wet processing equipment and quality control methods for a coffee cooperative.",
           "The cooperative processes coffee cherries from about 600 farming households. Current wet processing uses a lot of water and pollutes streams. We need equipment that saves water and treats the wastewater.",
           &["coffee processing", "water saving", "Bolaven Plateau"]),
        tx("zh", "寻求波罗芬高原咖啡湿法加工技术", "我们为一家咖啡合作社寻求节水型湿法加工设备和质量控制方法。",
           "该合作社加工约600户农户的咖啡鲜果。现有湿法加工用水量大，并污染溪流。我们需要既节水又能处理废水的设备。",
           &["咖啡加工", "节水", "波罗芬高原"])),
];

// ---------------------------------------------------------------------------------------------
// Generation (pure)

/// Generated achievements per industry field (plus the hand-written ones).
const ACHIEVEMENTS_PER_INDUSTRY: usize = 13;
/// Generated needs per industry field (plus the hand-written ones).
const NEEDS_PER_INDUSTRY: usize = 7;

/// Eligibility rules for generated open calls.
const ELIGIBILITY: &[&str] = &[
    "国内外高校、科研院所和企业均可揭榜，牵头单位须具有相关领域研发基础和近三年项目业绩；鼓励产学研联合揭榜。",
    "揭榜方须为依法注册的法人单位，具备完成攻关任务的研发团队和试验条件；可联合东盟国家机构共同揭榜。",
    "揭榜团队负责人须具有高级职称或相当水平，团队近五年在该领域取得过授权专利或成果转化业绩。",
];

/// The sample data set for `today`: the same every time for the same date.
pub fn generate(today: NaiveDate) -> SampleData {
    let mut data = SampleData {
        organisations: organisations(),
        achievements: Vec::new(),
        needs: Vec::new(),
        translations: Vec::new(),
    };
    let mut rng = Rng(SEED);
    for (i, listing) in FEATURED.iter().enumerate() {
        let provenance = if i % 4 == 3 { "machine" } else { "human" };
        push_authored(&mut data, &mut rng, today, listing, provenance);
    }
    for industry in INDUSTRY_TEMPLATES {
        generate_industry(&mut data, &mut rng, today, industry);
    }
    for (i, listing) in ASEAN_LISTINGS.iter().enumerate() {
        let provenance = if i % 5 == 4 { "machine" } else { "human" };
        push_authored(&mut data, &mut rng, today, listing, provenance);
    }
    data
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn text(t: &Text) -> ListingText {
    ListingText {
        language: t.lang.to_owned(),
        title: t.title.to_owned(),
        summary: t.summary.to_owned(),
        description: t.description.to_owned(),
        keywords: strings(t.keywords),
    }
}

/// `major` whole units of `currency` in its minor units (VND has none; CNY has fen).
fn minor(currency: &str, major: i64) -> i64 {
    let exponent = platform::money::Currency::parse(currency).map_or(2, |c| c.exponent);
    major.saturating_mul(10i64.pow(exponent))
}

fn price(range: Option<(&str, i64, i64)>) -> Price {
    match range {
        Some((currency, min, max)) => Price {
            min_minor: Some(minor(currency, min)),
            max_minor: Some(minor(currency, max)),
            currency: Some(currency.to_owned()),
            negotiable: false,
        },
        None => Price {
            min_minor: None,
            max_minor: None,
            currency: None,
            negotiable: true,
        },
    }
}

/// 万元 to fen.
const FEN_PER_WAN: i64 = 1_000_000;

fn cny_wan(min_wan: i64, max_wan: i64) -> Price {
    Price {
        min_minor: Some(min_wan * FEN_PER_WAN),
        max_minor: Some(max_wan * FEN_PER_WAN),
        currency: Some("CNY".to_owned()),
        negotiable: false,
    }
}

fn timing(rng: &mut Rng) -> Timing {
    Timing {
        published_minutes_ago: rng.range(30, 180 * 24 * 60),
        review_minutes: rng.range(30, 3 * 24 * 60),
        drafting_minutes: rng.range(60, 20 * 24 * 60),
    }
}

/// Between 30 and 365 days ahead, except a few expiring within two weeks (so reminders show).
fn valid_until(rng: &mut Rng, today: NaiveDate) -> NaiveDate {
    if rng.chance(4) {
        today + Duration::days(rng.range(2, 13))
    } else {
        today + Duration::days(rng.range(30, 365))
    }
}

/// A Chinese patent application number (`202310123456.7`): year, type digit (1 invention,
/// 2 utility model, 3 design), seven-digit serial and the check digit (mod 11, 10 → X).
fn cn_application_number(year: i64, kind: u8, serial: i64) -> String {
    let body = format!("{year}{kind}{:07}", serial.rem_euclid(10_000_000));
    const WEIGHTS: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b.saturating_sub(b'0')) * w)
        .sum();
    let check = match sum % 11 {
        10 => 'X',
        d => char::from(b'0' + d as u8),
    };
    format!("{body}.{check}")
}

/// Status and invented registration numbers for a Chinese IP right of `ip_type`.
fn chinese_ip(rng: &mut Rng, ip_type: &str) -> (String, Vec<String>) {
    let count = rng.range(1, 3);
    let mut numbers = Vec::new();
    let status = match ip_type {
        "invention_patent" => {
            let granted = rng.chance(60);
            for _ in 0..count {
                let year = if granted {
                    rng.range(2018, 2023)
                } else {
                    rng.range(2022, 2025)
                };
                let number = cn_application_number(year, 1, rng.range(0, 9_999_999));
                numbers.push(if granted {
                    format!("ZL{number}")
                } else {
                    number
                });
            }
            if granted {
                "granted"
            } else {
                "filed"
            }
        }
        "utility_model" | "design" => {
            let kind = if ip_type == "design" { 3 } else { 2 };
            for _ in 0..count {
                let year = rng.range(2019, 2024);
                numbers.push(format!(
                    "ZL{}",
                    cn_application_number(year, kind, rng.range(0, 9_999_999))
                ));
            }
            "granted"
        }
        "software_copyright" => {
            for _ in 0..count {
                numbers.push(format!(
                    "{}SR{:07}",
                    rng.range(2019, 2025),
                    rng.range(100_000, 1_999_999)
                ));
            }
            "not_applicable"
        }
        "plant_variety" => {
            numbers.push(format!(
                "CNA{}{:05}.{}",
                rng.range(2018, 2023),
                rng.range(1, 19_999),
                rng.range(0, 9)
            ));
            "granted"
        }
        "ic_layout" => {
            numbers.push(format!(
                "BS.{:02}5{:05}.{}",
                rng.range(19, 24),
                rng.range(1, 99_999),
                rng.range(0, 9)
            ));
            "granted"
        }
        _ => "not_applicable",
    };
    (status.to_owned(), numbers)
}

fn ip_sentence(ip_type: &str, status: &str, count: usize) -> String {
    match (ip_type, status) {
        ("invention_patent", "granted") => format!("已获授权发明专利{count}件。"),
        ("invention_patent", _) => format!("已申请发明专利{count}件，处于实质审查阶段。"),
        ("utility_model", _) => format!("已获授权实用新型专利{count}件。"),
        ("design", _) => format!("已获授权外观设计专利{count}件。"),
        ("software_copyright", _) => format!("已取得计算机软件著作权登记{count}项。"),
        ("plant_variety", _) => "已获植物新品种权。".to_owned(),
        ("ic_layout", _) => "已完成集成电路布图设计登记。".to_owned(),
        _ => "核心工艺以技术秘密方式保护。".to_owned(),
    }
}

fn trl_sentence(trl: i16, city: &str) -> String {
    match trl {
        ..=3 => "目前已完成关键功能的原理性验证。".to_owned(),
        4 => "目前已完成实验室环境下的性能验证。".to_owned(),
        5 => "已在模拟应用环境中完成验证。".to_owned(),
        6 => "已研制样机并在相关环境中完成演示。".to_owned(),
        7 => format!("已在{city}相关企业开展实际工况试用。"),
        8 => "已完成定型并通过第三方检测。".to_owned(),
        _ => format!("已在{city}等地实现规模化应用。"),
    }
}

fn modes_zh(modes: &[String]) -> String {
    modes
        .iter()
        .map(|m| {
            taxonomy::COOPERATION_MODES
                .iter()
                .find(|t| t.code == m)
                .map_or(m.as_str(), |t| t.zh)
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn keywords(rng: &mut Rng, subject: &Subject, industry: &Industry) -> Vec<String> {
    let mut out = strings(subject.keywords);
    let extra = rng.range(0, 2) as usize;
    for k in rng.sample(industry.extra_keywords, extra) {
        if !out.iter().any(|o| o == k) {
            out.push(k.to_owned());
        }
    }
    out
}

fn generate_industry(data: &mut SampleData, rng: &mut Rng, today: NaiveDate, industry: &Industry) {
    let with_focus = |enterprise: bool| -> Vec<usize> {
        CN_ORGS
            .iter()
            .enumerate()
            .filter(|(_, o)| (o.kind == E) == enterprise && o.focus.contains(&industry.code))
            .map(|(i, _)| i)
            .collect()
    };
    let researchers = with_focus(false);
    // Enterprises whose main field this is come up twice as often as those branching out.
    let mut enterprises = with_focus(true);
    let main: Vec<usize> = enterprises
        .iter()
        .copied()
        .filter(|&i| CN_ORGS[i].focus.first() == Some(&industry.code))
        .collect();
    enterprises.extend(main);
    let industry_zh = taxonomy::INDUSTRIES
        .iter()
        .find(|t| t.code == industry.code)
        .map_or("", |t| t.zh.split('（').next().unwrap_or(t.zh));
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for si in 0..industry.subjects.len() {
        for pi in 0..ACHIEVEMENT_TITLES.len() {
            pairs.push((si, pi));
        }
    }
    let mut need_pairs = pairs.clone();
    rng.shuffle(&mut pairs);
    rng.shuffle(&mut need_pairs);
    let offset = rng.below(researchers.len().max(1));

    for k in 0..ACHIEVEMENTS_PER_INDUSTRY {
        // Mostly universities and institutes; every fifth from an enterprise's own R&D.
        let org = if k % 5 == 4 && !enterprises.is_empty() {
            enterprises[(k / 5) % enterprises.len()]
        } else if !researchers.is_empty() {
            researchers[(k + offset) % researchers.len()]
        } else {
            continue;
        };
        let Some(&(si, pi)) = pairs.get(k % pairs.len().max(1)) else {
            continue;
        };
        let subject = &industry.subjects[si];
        let org_seed = &data.organisations[org];
        let city = taxonomy::region_label(org_seed.region_code, "zh").unwrap_or("广西");
        let n = rng.range(12, 40);
        let result = subject.result.replace("{n}", &n.to_string());
        let ctx = rng.pick(industry.contexts);
        let pain = rng.pick(industry.pains);
        let team = if org_seed.kind == E {
            "研发中心"
        } else {
            rng.pick(TEAMS)
        };
        let trl: i16 = rng.pick(&[3, 4, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 9]);
        let ip_type = rng.pick(subject.ip);
        let (status, numbers) = chinese_ip(rng, ip_type);
        let mode_count = rng.range(1, 3) as usize;
        let modes = strings(&rng.sample(ACHIEVEMENT_MODES, mode_count));
        let price = if rng.chance(25) {
            price(None)
        } else {
            let min = rng.pick(&[10, 20, 30, 50, 80, 100, 150, 200]);
            cny_wan(min, min * rng.pick(&[2, 3, 4, 5]))
        };
        let cross_border = rng.chance(30);
        let mut coop = format!("可采用{}等方式合作", modes_zh(&modes));
        coop.push_str(if cross_border {
            "，欢迎东盟国家企业和机构洽谈。"
        } else {
            "。"
        });
        let description = [
            format!(
                "本成果由{}{team}研发，面向{ctx}，针对{pain}等问题开展攻关。",
                org_seed.name
            ),
            format!("{}，经测试{result}。", subject.core),
            trl_sentence(trl, city),
            ip_sentence(ip_type, &status, numbers.len()),
            coop,
        ]
        .concat();
        data.achievements.push(AchievementSeed {
            org,
            text: ListingText {
                language: "zh".to_owned(),
                title: ACHIEVEMENT_TITLES[pi].replace("{s}", subject.name),
                summary: format!("{}，{result}，适用于{ctx}。", subject.core),
                description,
                keywords: keywords(rng, subject, industry),
            },
            industry: industry.code.to_owned(),
            ipc_codes: strings(subject.ipc),
            ip_type: ip_type.to_owned(),
            ip_numbers: numbers,
            patent_status: Some(status),
            trl,
            cooperation_modes: modes,
            price,
            cross_border,
            valid_until: valid_until(rng, today),
            timing: timing(rng),
        });
    }

    // One open call in every other industry field (about a dozen), the rest ordinary needs.
    let industry_index = INDUSTRY_TEMPLATES
        .iter()
        .position(|i| i.code == industry.code)
        .unwrap_or(0);
    for k in 0..NEEDS_PER_INDUSTRY {
        if enterprises.is_empty() {
            break;
        }
        let org = enterprises[(k + offset) % enterprises.len()];
        let Some(&(si, pi)) = need_pairs.get(k % need_pairs.len().max(1)) else {
            continue;
        };
        let subject = &industry.subjects[si];
        let (intro, main_field) = CN_ORGS.get(org).map_or(("", true), |o| {
            (o.intro, o.focus.first() == Some(&industry.code))
        });
        let open = k == 0 && industry_index % 2 == 0;
        let n = rng.range(10, 35);
        let result = subject.result.replace("{n}", &n.to_string());
        let pain = rng.pick(industry.pains);
        let min_trl: i16 = rng.pick(&[3, 4, 4, 5, 5, 6, 6, 7]);
        let cross_border = open || rng.chance(30);
        let keywords = keywords(rng, subject, industry);
        let mut need = NeedSeed {
            org,
            kind: "need".to_owned(),
            text: ListingText {
                language: "zh".to_owned(),
                title: NEED_TITLES[pi % NEED_TITLES.len()].replace("{s}", subject.name),
                summary: format!(
                    "寻求{}技术，要求{result}以上，以解决{pain}等问题。",
                    subject.name
                ),
                description: String::new(),
                keywords,
            },
            industry: industry.code.to_owned(),
            ipc_codes: strings(subject.ipc),
            min_trl,
            budget: price(None),
            cooperation_modes: Vec::new(),
            deadline: None,
            bounty_minor: None,
            bounty_currency: None,
            eligibility: None,
            cross_border,
            valid_until: today,
            timing: timing(rng),
        };
        let closing;
        if open {
            let bounty_wan: i64 = rng.pick(&[100, 150, 200, 300, 500, 800]);
            let deadline = today + Duration::days(rng.range(30, 120));
            need.kind = "open_call".to_owned();
            need.text.title = format!("揭榜挂帅：{}关键技术攻关", subject.name);
            need.budget = cny_wan(bounty_wan, bounty_wan);
            need.bounty_minor = Some(bounty_wan * FEN_PER_WAN);
            need.bounty_currency = Some("CNY".to_owned());
            need.eligibility = Some(rng.pick(ELIGIBILITY).to_owned());
            let mode_count = rng.range(1, 2) as usize;
            need.cooperation_modes = strings(&rng.sample(
                &["commissioned_development", "joint_development"],
                mode_count,
            ));
            need.deadline = Some(deadline);
            need.valid_until = deadline + Duration::days(rng.range(14, 60));
            closing = format!(
                "本需求以揭榜挂帅方式发布，榜金{bounty_wan}万元，揭榜截止日期为{}，欢迎东盟国家合作方联合揭榜。",
                deadline.format("%Y年%-m月%-d日")
            );
        } else {
            need.budget = if rng.chance(20) {
                price(None)
            } else {
                let min = rng.pick(&[10, 20, 30, 50, 80, 100, 200]);
                cny_wan(min, min * rng.pick(&[2, 3]))
            };
            let mode_count = rng.range(1, 3) as usize;
            need.cooperation_modes = strings(&rng.sample(NEED_MODES, mode_count));
            need.valid_until = valid_until(rng, today);
            if rng.chance(60) {
                let wanted = today + Duration::days(rng.range(30, 300));
                need.deadline = Some(wanted.min(need.valid_until));
            }
            closing = if cross_border {
                "欢迎东盟国家合作方参与。".to_owned()
            } else {
                String::new()
            };
        }
        let budget = match (
            need.budget.negotiable,
            need.budget.min_minor,
            need.budget.max_minor,
        ) {
            _ if open => String::new(),
            (false, Some(min), Some(max)) => {
                format!("预算{}万至{}万元，", min / FEN_PER_WAN, max / FEN_PER_WAN)
            }
            _ => "预算面议，".to_owned(),
        };
        need.text.description = [
            if main_field {
                format!("我公司{intro}，目前面临{pain}等问题。")
            } else {
                format!("我公司{intro}，正在向{industry_zh}领域延伸业务，面临{pain}等问题。")
            },
            format!(
                "现寻求{}方面的成熟技术、专利成果或研发团队，要求{result}以上。",
                subject.name
            ),
            format!(
                "技术就绪度不低于{min_trl}级，{budget}可接受{}等合作方式。",
                modes_zh(&need.cooperation_modes)
            ),
            closing,
        ]
        .concat();
        data.needs.push(need);
    }
}

/// Adds a hand-written listing and its translation.
fn push_authored(
    data: &mut SampleData,
    rng: &mut Rng,
    today: NaiveDate,
    a: &Authored,
    provenance: &'static str,
) {
    let Some(org) = data.organisations.iter().position(|o| o.slug == a.org) else {
        return;
    };
    let country = data.organisations[org].country;
    let cross_border = a.cross_border || country != "CN";
    let listing = match a.kind {
        Kind::Achievement => {
            let (ip_type, status, given) = a.ip;
            let (status, numbers) = if given.is_empty() && country == "CN" {
                let (generated_status, numbers) = chinese_ip(rng, ip_type);
                // Keep the written status (granted/filed) with generated numbers.
                let numbers = match (ip_type, status) {
                    ("invention_patent", "granted") => numbers
                        .into_iter()
                        .map(|n| {
                            if n.starts_with("ZL") {
                                n
                            } else {
                                format!("ZL{n}")
                            }
                        })
                        .collect(),
                    ("invention_patent", _) => numbers
                        .into_iter()
                        .map(|n| n.trim_start_matches("ZL").to_owned())
                        .collect(),
                    _ => numbers,
                };
                let status = if ip_type == "invention_patent" {
                    status.to_owned()
                } else {
                    generated_status
                };
                (status, numbers)
            } else {
                (status.to_owned(), strings(given))
            };
            data.achievements.push(AchievementSeed {
                org,
                text: text(&a.original),
                industry: a.industry.to_owned(),
                ipc_codes: strings(a.ipc),
                ip_type: ip_type.to_owned(),
                ip_numbers: numbers,
                patent_status: Some(status),
                trl: a.trl,
                cooperation_modes: strings(a.modes),
                price: price(a.price),
                cross_border,
                valid_until: valid_until(rng, today),
                timing: timing(rng),
            });
            ListingRef::Achievement(data.achievements.len() - 1)
        }
        Kind::Need | Kind::OpenCall => {
            let open = a.kind == Kind::OpenCall;
            let (deadline, valid) = if open {
                let deadline = today + Duration::days(rng.range(45, 120));
                (Some(deadline), deadline + Duration::days(rng.range(14, 60)))
            } else {
                let valid = valid_until(rng, today);
                let deadline = rng
                    .chance(60)
                    .then(|| (today + Duration::days(rng.range(30, 300))).min(valid));
                (deadline, valid)
            };
            let budget = price(a.price);
            data.needs.push(NeedSeed {
                org,
                kind: if open { "open_call" } else { "need" }.to_owned(),
                text: text(&a.original),
                industry: a.industry.to_owned(),
                ipc_codes: strings(a.ipc),
                min_trl: a.trl,
                bounty_minor: if open { budget.max_minor } else { None },
                bounty_currency: if open { budget.currency.clone() } else { None },
                budget,
                cooperation_modes: strings(a.modes),
                deadline,
                eligibility: open.then(|| a.eligibility.to_owned()),
                cross_border,
                valid_until: valid,
                timing: timing(rng),
            });
            ListingRef::Need(data.needs.len() - 1)
        }
    };
    data.translations.push(TranslationSeed {
        listing,
        text: text(&a.translation),
        provenance,
    });
}

// ---------------------------------------------------------------------------------------------
// Insertion

/// Rows per `INSERT`: well under both databases' bind-parameter limits.
const CHUNK: usize = 100;

/// Inserts the sample organisations (each with one admin user, password
/// [`crate::sample::DEMO_PASSWORD`]), achievements, needs, open calls and translations in
/// `txn`. Every column is set explicitly; timestamps are relative to now.
pub async fn load(
    txn: &DatabaseTransaction,
    today: NaiveDate,
    demo: &DemoOwners,
) -> anyhow::Result<SampleCounts> {
    let data = generate(today);
    let (demo_achievements, demo_needs) = demo_picks(&data);
    let achievement_owner = |i: usize| {
        demo.university
            .as_ref()
            .filter(|_| demo_achievements.contains(&i))
    };
    let need_owner = |i: usize| demo.enterprise.as_ref().filter(|_| demo_needs.contains(&i));
    let now = Utc::now();
    // Organisations joined before their oldest listing (published at most 180 days ago).
    let joined = now - Duration::days(200);
    let verified = now - Duration::days(190);

    let org_ids: Vec<sea_orm::prelude::Uuid> =
        data.organisations.iter().map(|_| new_uuid()).collect();
    let org_models: Vec<organisations::ActiveModel> = data
        .organisations
        .iter()
        .zip(&org_ids)
        .map(|(o, id)| organisations::ActiveModel {
            id: Set(*id),
            name: Set(o.name.to_owned()),
            name_en: Set(Some(o.name_en.to_owned())),
            kind: Set(o.kind.to_owned()),
            country: Set(o.country.to_owned()),
            region_code: Set(o.region_code.to_owned()),
            credit_code: Set(o.credit_code.clone()),
            state_funded: Set(o.state_funded),
            website: Set(None),
            description: Set(Some(
                "示例数据 Sample data: a fictional organisation.".to_owned(),
            )),
            verification_status: Set("verified".to_owned()),
            verification_note: Set(Some("sample data".to_owned())),
            verified_at: Set(Some(verified.into())),
            verified_by: Set(None),
            version: Set(1),
            created_at: Set(joined.into()),
            updated_at: Set(verified.into()),
        })
        .collect();
    for chunk in org_models.chunks(CHUNK) {
        organisations::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }

    let mut user_ids = Vec::with_capacity(org_ids.len());
    for (o, id) in data.organisations.iter().zip(&org_ids) {
        let user = listing::domain::accounts::add_member(
            txn,
            OrganisationId(*id),
            &o.email,
            &o.contact_name,
            crate::sample::DEMO_PASSWORD,
            OrgRole::Admin,
        )
        .await
        .map_err(|e| anyhow::anyhow!("Failed to create sample user {}: {e}", o.email))?;
        user_ids.push(user.id.0);
    }

    let stamps = |t: &Timing| {
        let published = now - Duration::minutes(t.published_minutes_ago);
        let submitted = published - Duration::minutes(t.review_minutes);
        let created = submitted - Duration::minutes(t.drafting_minutes);
        (created, submitted, published)
    };

    let achievement_ids: Vec<sea_orm::prelude::Uuid> =
        data.achievements.iter().map(|_| new_uuid()).collect();
    let achievement_models: Vec<achievements::ActiveModel> = data
        .achievements
        .iter()
        .zip(&achievement_ids)
        .enumerate()
        .map(|(i, (a, id))| {
            let owner = Owner::of(
                achievement_owner(i),
                &data.organisations[a.org],
                org_ids[a.org],
                user_ids[a.org],
            );
            let (created, submitted, published) = stamps(&a.timing);
            achievements::ActiveModel {
                id: Set(*id),
                organisation_id: Set(owner.organisation_id),
                created_by: Set(owner.user_id),
                status: Set("published".to_owned()),
                original_language: Set(a.text.language.clone()),
                title: Set(a.text.title.clone()),
                summary: Set(a.text.summary.clone()),
                description: Set(a.text.description.clone()),
                keywords: Set(serde_json::json!(a.text.keywords)),
                industry_code: Set(a.industry.clone()),
                ipc_codes: Set(serde_json::json!(a.ipc_codes)),
                ip_type: Set(a.ip_type.clone()),
                ip_numbers: Set(serde_json::json!(a.ip_numbers)),
                patent_status: Set(a.patent_status.clone()),
                trl: Set(a.trl),
                cooperation_modes: Set(serde_json::json!(a.cooperation_modes)),
                price_min_minor: Set(a.price.min_minor),
                price_max_minor: Set(a.price.max_minor),
                currency: Set(a.price.currency.clone()),
                price_negotiable: Set(a.price.negotiable),
                country: Set(owner.country.to_owned()),
                region_code: Set(owner.region_code.to_owned()),
                cross_border: Set(a.cross_border),
                contact_name: Set(Some(owner.contact_name.to_owned())),
                contact_email: Set(Some(owner.contact_email.to_owned())),
                contact_phone: Set(None),
                valid_until: Set(Some(a.valid_until)),
                submitted_at: Set(Some(submitted.into())),
                published_at: Set(Some(published.into())),
                closed_at: Set(None),
                expiry_reminded_at: Set(None),
                version: Set(1),
                created_at: Set(created.into()),
                updated_at: Set(published.into()),
            }
        })
        .collect();
    for chunk in achievement_models.chunks(CHUNK) {
        achievements::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }

    let need_ids: Vec<sea_orm::prelude::Uuid> = data.needs.iter().map(|_| new_uuid()).collect();
    let need_models: Vec<needs::ActiveModel> = data
        .needs
        .iter()
        .zip(&need_ids)
        .enumerate()
        .map(|(i, (n, id))| {
            let owner = Owner::of(
                need_owner(i),
                &data.organisations[n.org],
                org_ids[n.org],
                user_ids[n.org],
            );
            let (created, submitted, published) = stamps(&n.timing);
            needs::ActiveModel {
                id: Set(*id),
                organisation_id: Set(owner.organisation_id),
                created_by: Set(owner.user_id),
                status: Set("published".to_owned()),
                kind: Set(n.kind.clone()),
                original_language: Set(n.text.language.clone()),
                title: Set(n.text.title.clone()),
                summary: Set(n.text.summary.clone()),
                description: Set(n.text.description.clone()),
                keywords: Set(serde_json::json!(n.text.keywords)),
                industry_code: Set(n.industry.clone()),
                ipc_codes: Set(serde_json::json!(n.ipc_codes)),
                min_trl: Set(n.min_trl),
                budget_min_minor: Set(n.budget.min_minor),
                budget_max_minor: Set(n.budget.max_minor),
                currency: Set(n.budget.currency.clone()),
                budget_negotiable: Set(n.budget.negotiable),
                cooperation_modes: Set(serde_json::json!(n.cooperation_modes)),
                deadline: Set(n.deadline),
                country: Set(owner.country.to_owned()),
                region_code: Set(owner.region_code.to_owned()),
                cross_border: Set(n.cross_border),
                bounty_minor: Set(n.bounty_minor),
                bounty_currency: Set(n.bounty_currency.clone()),
                eligibility: Set(n.eligibility.clone()),
                awarded_application_id: Set(None),
                contact_name: Set(Some(owner.contact_name.to_owned())),
                contact_email: Set(Some(owner.contact_email.to_owned())),
                contact_phone: Set(None),
                valid_until: Set(Some(n.valid_until)),
                submitted_at: Set(Some(submitted.into())),
                published_at: Set(Some(published.into())),
                closed_at: Set(None),
                expiry_reminded_at: Set(None),
                version: Set(1),
                created_at: Set(created.into()),
                updated_at: Set(published.into()),
            }
        })
        .collect();
    for chunk in need_models.chunks(CHUNK) {
        needs::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }

    let translation_models: Vec<listing_translations::ActiveModel> = data
        .translations
        .iter()
        .map(|t| {
            let (kind, listing_id, org, published_ago) = match t.listing {
                ListingRef::Achievement(i) => {
                    let a = &data.achievements[i];
                    (
                        "achievement",
                        achievement_ids[i],
                        a.org,
                        a.timing.published_minutes_ago,
                    )
                }
                ListingRef::Need(i) => {
                    let n = &data.needs[i];
                    ("need", need_ids[i], n.org, n.timing.published_minutes_ago)
                }
            };
            let at = now - Duration::minutes(published_ago);
            listing_translations::ActiveModel {
                id: Set(new_uuid()),
                listing_kind: Set(kind.to_owned()),
                listing_id: Set(listing_id),
                language: Set(t.text.language.clone()),
                title: Set(t.text.title.clone()),
                summary: Set(t.text.summary.clone()),
                description: Set(t.text.description.clone()),
                keywords: Set(serde_json::json!(t.text.keywords)),
                provenance: Set(t.provenance.to_owned()),
                translated_by: Set((t.provenance == "human").then(|| user_ids[org])),
                version: Set(1),
                created_at: Set(at.into()),
                updated_at: Set(at.into()),
            }
        })
        .collect();
    for chunk in translation_models.chunks(CHUNK) {
        listing_translations::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }

    Ok(counts(&data))
}

/// A demo organisation of [`crate::sample`] and its admin, who own [`demo_picks`].
#[derive(Debug, Clone)]
pub struct DemoOwner {
    pub organisation_id: sea_orm::prelude::Uuid,
    pub user_id: sea_orm::prelude::Uuid,
    pub country: &'static str,
    pub region_code: &'static str,
    pub contact_name: &'static str,
    pub contact_email: &'static str,
}

/// Who owns the demo picks; `None` leaves them with their generated organisation.
#[derive(Debug, Clone, Default)]
pub struct DemoOwners {
    /// Owns [`demo_picks`]' achievements.
    pub university: Option<DemoOwner>,
    /// Owns [`demo_picks`]' needs and open call.
    pub enterprise: Option<DemoOwner>,
}

/// The fields of the demo enterprise (an agricultural machinery maker) and of the demo
/// university's listings, so that the two demo logins see each other as matches.
const DEMO_FIELDS: &[&str] = &["modern_agriculture", "high_end_equipment"];
/// The generated enterprise whose needs read like the demo enterprise's own.
const DEMO_NEED_ORG: &str = "fusui-cane-machinery";
/// How many achievements the demo university owns, and how many plain needs the demo
/// enterprise owns (it also owns one open call).
const DEMO_ACHIEVEMENTS: usize = 5;
const DEMO_NEEDS: usize = 4;

/// Which generated listings the demo university and enterprise own (indices into
/// `data.achievements` and `data.needs`): Chinese universities' and institutes' achievements
/// and Chinese enterprises' needs in [`DEMO_FIELDS`], plus one Chinese enterprise's open call. Hand-written
/// listings (the ones with translations) keep their own organisations.
pub fn demo_picks(data: &SampleData) -> (Vec<usize>, Vec<usize>) {
    let translated = |r: ListingRef| data.translations.iter().any(|t| t.listing == r);
    let org = |i: usize| data.organisations.get(i).filter(|o| o.country == "CN");
    // Best first: the enterprise most like the demo one (its needs' text describes a
    // sugarcane machinery maker), then DEMO_FIELDS in order; ties keep generation order.
    let rank = |org_slug: &str, industry: &str| -> Option<(usize, usize)> {
        let field = DEMO_FIELDS.iter().position(|f| *f == industry);
        if org_slug == DEMO_NEED_ORG {
            Some((0, field.unwrap_or(DEMO_FIELDS.len())))
        } else {
            field.map(|f| (1, f))
        }
    };
    let best = |mut ranked: Vec<((usize, usize), usize)>, limit: usize| -> Vec<usize> {
        ranked.sort();
        ranked.into_iter().take(limit).map(|(_, i)| i).collect()
    };
    let achievements = best(
        data.achievements
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                !translated(ListingRef::Achievement(*i))
                    && org(a.org).is_some_and(|o| o.kind == "university" || o.kind == "institute")
            })
            .filter_map(|(i, a)| {
                DEMO_FIELDS
                    .iter()
                    .position(|f| *f == a.industry)
                    .map(|f| ((0, f), i))
            })
            .collect(),
        DEMO_ACHIEVEMENTS,
    );
    let enterprise_needs = |kind: &str| -> Vec<((usize, usize), usize)> {
        data.needs
            .iter()
            .enumerate()
            .filter(|(i, n)| n.kind == kind && !translated(ListingRef::Need(*i)))
            .filter_map(|(i, n)| {
                let o = org(n.org).filter(|o| o.kind == "enterprise")?;
                rank(o.slug, &n.industry).map(|r| (r, i))
            })
            .collect()
    };
    let mut needs = best(enterprise_needs("need"), DEMO_NEEDS);
    needs.extend(best(enterprise_needs("open_call"), 1));
    (achievements, needs)
}

/// Who a listing is inserted for: a demo owner, or its generated organisation.
struct Owner<'a> {
    organisation_id: sea_orm::prelude::Uuid,
    user_id: sea_orm::prelude::Uuid,
    country: &'a str,
    region_code: &'a str,
    contact_name: &'a str,
    contact_email: &'a str,
}

impl<'a> Owner<'a> {
    fn of(
        demo: Option<&'a DemoOwner>,
        org: &'a OrgSeed,
        org_id: sea_orm::prelude::Uuid,
        user_id: sea_orm::prelude::Uuid,
    ) -> Self {
        match demo {
            Some(d) => Owner {
                organisation_id: d.organisation_id,
                user_id: d.user_id,
                country: d.country,
                region_code: d.region_code,
                contact_name: d.contact_name,
                contact_email: d.contact_email,
            },
            None => Owner {
                organisation_id: org_id,
                user_id,
                country: org.country,
                region_code: org.region_code,
                contact_name: &org.contact_name,
                contact_email: &org.email,
            },
        }
    }
}

/// Counts of what `data` holds.
pub fn counts(data: &SampleData) -> SampleCounts {
    let foreign = |org: usize| {
        data.organisations
            .get(org)
            .is_some_and(|o| o.country != "CN")
    };
    SampleCounts {
        organisations: data.organisations.len(),
        achievements: data.achievements.len(),
        needs: data.needs.len(),
        open_calls: data.needs.iter().filter(|n| n.kind == "open_call").count(),
        asean_listings: data.achievements.iter().filter(|a| foreign(a.org)).count()
            + data.needs.iter().filter(|n| foreign(n.org)).count(),
        translations: data.translations.len(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet, HashSet};

    use super::*;
    use platform::identifiers::parse_credit_code;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).expect("valid date")
    }

    fn check_price(p: &Price, what: &str) {
        if p.negotiable {
            assert!(
                p.min_minor.is_none() && p.max_minor.is_none() && p.currency.is_none(),
                "{what}"
            );
        } else {
            let (min, max) = (p.min_minor.expect("min"), p.max_minor.expect("max"));
            assert!(0 < min && min <= max, "{what}: {min} > {max}");
            let currency = p.currency.as_deref().expect("currency");
            assert!(
                platform::money::Currency::parse(currency).is_some(),
                "{what}: {currency}"
            );
        }
    }

    fn check_text(t: &ListingText, what: &str) {
        assert!(taxonomy::is_language(&t.language), "{what}");
        let title = t.title.chars().count();
        assert!((4..=200).contains(&title), "{what}: title length {title}");
        let summary = t.summary.chars().count();
        assert!(
            (10..=1000).contains(&summary),
            "{what}: summary length {summary}"
        );
        assert!(
            t.description.chars().count() >= 40,
            "{what}: description too short"
        );
        assert!(
            (3..=6).contains(&t.keywords.len()),
            "{what}: {} keywords",
            t.keywords.len()
        );
        let distinct: HashSet<&String> = t.keywords.iter().collect();
        assert_eq!(
            distinct.len(),
            t.keywords.len(),
            "{what}: duplicate keywords"
        );
        assert!(
            t.keywords
                .iter()
                .all(|k| (1..=60).contains(&k.chars().count())),
            "{what}"
        );
        assert!(
            !t.title.contains("{s}") && !t.description.contains("{n}"),
            "{what}: placeholder left"
        );
    }

    fn check_common(
        ipc: &[String],
        modes: &[String],
        industry: &str,
        valid_until: NaiveDate,
        t: &Timing,
        what: &str,
    ) {
        assert!(!ipc.is_empty(), "{what}");
        for code in ipc {
            assert!(taxonomy::is_ipc_code(code), "{what}: bad IPC {code}");
        }
        assert!(!modes.is_empty(), "{what}");
        for m in modes {
            assert!(taxonomy::is_cooperation_mode(m), "{what}: bad mode {m}");
        }
        assert!(taxonomy::is_industry(industry), "{what}: {industry}");
        assert!(valid_until > today(), "{what}");
        assert!(valid_until <= today() + Duration::days(365), "{what}");
        assert!(
            (0..=180 * 24 * 60).contains(&t.published_minutes_ago),
            "{what}"
        );
        assert!(t.review_minutes > 0 && t.drafting_minutes > 0, "{what}");
    }

    #[test]
    fn generated_data_is_complete_and_valid() {
        let data = generate(today());
        let c = counts(&data);
        assert!(c.organisations >= 50, "{c:?}");
        assert!(c.achievements >= 300, "{c:?}");
        assert!(c.needs >= 150, "{c:?}");
        assert!(c.open_calls >= 10, "{c:?}");
        assert!(c.asean_listings >= 40, "{c:?}");
        assert!(c.translations >= 60, "{c:?}");
        // Every hand-written listing found its organisation.
        assert_eq!(c.asean_listings, ASEAN_LISTINGS.len());
        assert_eq!(c.translations, FEATURED.len() + ASEAN_LISTINGS.len());

        // Organisations: labelled, valid codes, all 14 cities, 8 ASEAN countries.
        let mut emails = HashSet::new();
        for o in &data.organisations {
            assert!(
                o.name.ends_with("（示例）") || o.name.ends_with("(sample)"),
                "{}",
                o.name
            );
            assert!(o.name_en.ends_with("(sample)"), "{}", o.name_en);
            assert!(emails.insert(o.email.clone()), "duplicate {}", o.email);
            assert_eq!(o.state_funded, o.kind != "enterprise", "{}", o.name);
            if o.country == "CN" {
                let code = o.credit_code.as_deref().expect("credit code");
                assert_eq!(parse_credit_code(code).as_deref(), Ok(code), "{}", o.name);
                assert!(taxonomy::GUANGXI_CITIES
                    .iter()
                    .any(|c| c.code == o.region_code));
            } else {
                assert!(o.credit_code.is_none());
                assert_eq!(o.region_code, o.country);
                assert!(taxonomy::asean(o.country).is_some());
            }
        }
        let codes: Vec<&String> = data
            .organisations
            .iter()
            .filter_map(|o| o.credit_code.as_ref())
            .collect();
        assert_eq!(
            codes.iter().collect::<HashSet<_>>().len(),
            codes.len(),
            "credit codes unique"
        );
        let countries: BTreeSet<&str> = data
            .organisations
            .iter()
            .map(|o| o.country)
            .filter(|c| *c != "CN")
            .collect();
        for country in ["VN", "TH", "MY", "ID", "SG", "PH", "KH", "LA"] {
            assert!(countries.contains(country), "{country}");
        }

        // Achievements.
        let mut ach_per_industry: BTreeMap<&str, usize> = BTreeMap::new();
        let mut cities: BTreeSet<&str> = BTreeSet::new();
        let mut titles = HashSet::new();
        let mut expiring_soon = 0;
        for (i, a) in data.achievements.iter().enumerate() {
            let what = format!("achievement {i} {}", a.text.title);
            let org = &data.organisations[a.org];
            check_text(&a.text, &what);
            check_common(
                &a.ipc_codes,
                &a.cooperation_modes,
                &a.industry,
                a.valid_until,
                &a.timing,
                &what,
            );
            check_price(&a.price, &what);
            assert!((3..=9).contains(&a.trl), "{what}");
            assert!(taxonomy::is_ip_type(&a.ip_type), "{what}");
            assert!(
                a.patent_status
                    .as_deref()
                    .is_some_and(taxonomy::is_patent_status),
                "{what}"
            );
            assert!(
                a.ip_numbers.iter().all(|n| (3..=40).contains(&n.len())),
                "{what}"
            );
            if a.ip_type == "invention_patent" {
                assert!(!a.ip_numbers.is_empty(), "{what}");
            }
            if org.country == "CN" {
                assert_eq!(a.text.language, "zh", "{what}");
                cities.insert(org.region_code);
            } else {
                assert!(a.cross_border, "{what}");
            }
            assert!(
                titles.insert(a.text.title.clone()),
                "duplicate title {what}"
            );
            *ach_per_industry.entry(a.industry.as_str()).or_default() += 1;
            if a.valid_until <= today() + Duration::days(14) {
                expiring_soon += 1;
            }
        }
        assert_eq!(cities.len(), 14, "achievements in every city: {cities:?}");

        // Needs and open calls.
        let mut need_per_industry: BTreeMap<&str, usize> = BTreeMap::new();
        let mut cities: BTreeSet<&str> = BTreeSet::new();
        let mut titles = HashSet::new();
        for (i, n) in data.needs.iter().enumerate() {
            let what = format!("need {i} {}", n.text.title);
            let org = &data.organisations[n.org];
            check_text(&n.text, &what);
            check_common(
                &n.ipc_codes,
                &n.cooperation_modes,
                &n.industry,
                n.valid_until,
                &n.timing,
                &what,
            );
            check_price(&n.budget, &what);
            assert!((3..=7).contains(&n.min_trl), "{what}");
            if let Some(deadline) = n.deadline {
                assert!(deadline > today() && deadline <= n.valid_until, "{what}");
            }
            match n.kind.as_str() {
                "open_call" => {
                    assert!(n.bounty_minor.is_some_and(|b| b > 0), "{what}");
                    assert_eq!(n.bounty_currency.as_deref(), Some("CNY"), "{what}");
                    assert!(
                        n.eligibility
                            .as_deref()
                            .is_some_and(|e| e.chars().count() >= 10),
                        "{what}"
                    );
                    assert!(n.deadline.is_some(), "{what}");
                }
                "need" => {
                    assert!(
                        n.bounty_minor.is_none()
                            && n.bounty_currency.is_none()
                            && n.eligibility.is_none(),
                        "{what}"
                    );
                }
                other => panic!("{what}: kind {other}"),
            }
            if org.country == "CN" {
                assert_eq!(n.text.language, "zh", "{what}");
                cities.insert(org.region_code);
            } else {
                assert!(n.cross_border, "{what}");
            }
            assert!(
                titles.insert(n.text.title.clone()),
                "duplicate title {what}"
            );
            *need_per_industry.entry(n.industry.as_str()).or_default() += 1;
            if n.valid_until <= today() + Duration::days(14) {
                expiring_soon += 1;
            }
        }
        assert_eq!(cities.len(), 14, "needs in every city: {cities:?}");
        for industry in taxonomy::INDUSTRIES {
            let a = ach_per_industry.get(industry.code).copied().unwrap_or(0);
            let n = need_per_industry.get(industry.code).copied().unwrap_or(0);
            assert!(
                a >= 8 && n >= 4,
                "{}: {a} achievements, {n} needs",
                industry.code
            );
        }
        assert!(
            (5..=40).contains(&expiring_soon),
            "{expiring_soon} expiring within 14 days"
        );

        // Cross-border share of Chinese listings is roughly 30 %.
        let cn: Vec<bool> = data
            .achievements
            .iter()
            .filter(|a| data.organisations[a.org].country == "CN")
            .map(|a| a.cross_border)
            .collect();
        let share = cn.iter().filter(|b| **b).count() * 100 / cn.len();
        assert!((20..=45).contains(&share), "cross-border share {share}%");

        // ASEAN listings: at least four non-Chinese languages, each translated.
        let mut languages: BTreeMap<String, usize> = BTreeMap::new();
        for a in data
            .achievements
            .iter()
            .filter(|a| data.organisations[a.org].country != "CN")
        {
            *languages.entry(a.text.language.clone()).or_default() += 1;
        }
        for n in data
            .needs
            .iter()
            .filter(|n| data.organisations[n.org].country != "CN")
        {
            *languages.entry(n.text.language.clone()).or_default() += 1;
        }
        assert!(!languages.contains_key("zh"));
        assert!(languages.len() >= 4, "{languages:?}");
        for lang in ["vi", "th", "ms", "id", "en"] {
            assert!(
                languages.get(lang).is_some_and(|n| *n >= 5),
                "{lang}: {languages:?}"
            );
        }

        // Translations: one per hand-written listing, into another language, unique per listing.
        let mut seen = HashSet::new();
        for t in &data.translations {
            let (original, key) = match t.listing {
                ListingRef::Achievement(i) => (&data.achievements[i].text, ("achievement", i)),
                ListingRef::Need(i) => (&data.needs[i].text, ("need", i)),
            };
            assert_ne!(original.language, t.text.language, "{}", original.title);
            assert!(t.text.language == "zh" || t.text.language == "en");
            assert!(t.provenance == "human" || t.provenance == "machine");
            assert!(seen.insert((key, t.text.language.clone())));
            check_text(&t.text, &t.text.title);
        }
        let english = data
            .translations
            .iter()
            .filter(|t| t.text.language == "en")
            .count();
        assert!(english >= 20, "{english} English translations");
    }

    #[test]
    fn generation_is_deterministic() {
        assert_eq!(generate(today()), generate(today()));
    }

    #[test]
    fn patent_check_digit() {
        // The example number of the domain reference, ZL202110123456.7.
        assert_eq!(cn_application_number(2021, 1, 123_456), "202110123456.7");
    }

    #[test]
    fn the_demo_organisations_own_a_handful_of_listings_in_their_fields() {
        let data = generate(today());
        let (achievements, needs) = demo_picks(&data);
        assert_eq!(achievements.len(), DEMO_ACHIEVEMENTS, "{achievements:?}");
        for &i in &achievements {
            let a = &data.achievements[i];
            assert!(DEMO_FIELDS.contains(&a.industry.as_str()), "{}", a.industry);
            assert!(matches!(
                data.organisations[a.org].kind,
                "university" | "institute"
            ));
        }
        assert_eq!(needs.len(), DEMO_NEEDS + 1, "{needs:?}");
        assert_eq!(
            needs
                .iter()
                .filter(|&&i| data.needs[i].kind == "open_call")
                .count(),
            1
        );
        for &i in &needs {
            assert_eq!(data.organisations[data.needs[i].org].kind, "enterprise");
        }
        assert_eq!(
            demo_picks(&generate(today())),
            (achievements, needs),
            "the same picks on every start"
        );
    }
}
