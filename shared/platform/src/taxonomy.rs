//! Taxonomies as data: industry fields, regions, IP types, cooperation modes, TRL levels and
//! languages, each with Chinese and English labels. Served read-only at `/api/v1/taxonomies`
//! and used to validate listings, contracts and statistics.
//!
//! These are the tables; what the API answers is `wire::taxonomy`, filled from them here.

/// A coded entry with labels (a row of a static table; the API answers `wire::taxonomy::Term`).
#[derive(Debug, Clone, Copy)]
pub struct Term {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn t(code: &'static str, zh: &'static str, en: &'static str) -> Term {
    Term { code, zh, en }
}

/// Industry fields named by the Guangxi 14th five-year science and technology plan.
pub const INDUSTRIES: &[Term] = &[
    t("automotive", "汽车", "Automotive"),
    t(
        "machinery",
        "机械（内燃机、工程机械）",
        "Machinery (engines, construction machinery)",
    ),
    t(
        "electronic_information",
        "电子信息",
        "Electronic information",
    ),
    t(
        "advanced_metal_materials",
        "高端金属新材料",
        "Advanced metal materials",
    ),
    t(
        "green_petrochemicals",
        "绿色高端石化",
        "Green petrochemicals",
    ),
    t(
        "green_home_furnishing",
        "高端绿色家居",
        "Green home furnishing",
    ),
    t(
        "biomedicine",
        "生物医药（含中药民族药）",
        "Biomedicine (incl. TCM and ethnic medicine)",
    ),
    t("new_energy_vehicles", "新能源汽车", "New-energy vehicles"),
    t("5g_equipment", "5G通信设备", "5G equipment"),
    t("high_end_equipment", "高端装备制造", "High-end equipment"),
    t("frontier_materials", "前沿新材料", "Frontier materials"),
    t(
        "artificial_intelligence",
        "人工智能",
        "Artificial intelligence",
    ),
    t(
        "third_gen_semiconductors",
        "第三代半导体",
        "Third-generation semiconductors",
    ),
    t(
        "hydrogen_energy_storage",
        "氢能与储能",
        "Hydrogen and energy storage",
    ),
    t("bio_breeding", "生物育种", "Bio-breeding"),
    t("deep_earth_sea", "深地深海", "Deep earth and sea"),
    t("modern_agriculture", "现代农业", "Modern agriculture"),
    t("marine", "海洋", "Marine"),
    t(
        "ecology_carbon_neutrality",
        "生态环保与碳达峰碳中和",
        "Ecology and carbon neutrality",
    ),
    t("health_elderly_care", "大健康", "Health and elderly care"),
    t("public_safety", "公共安全", "Public safety"),
    t(
        "smart_city",
        "新型城镇化与智慧城市",
        "New urbanisation and smart city",
    ),
    t("calcium_carbonate", "碳酸钙", "Calcium carbonate"),
];

/// Guangxi and its 14 prefecture-level cities (GB/T 2260).
pub const GUANGXI_CITIES: &[Term] = &[
    t("450100", "南宁", "Nanning"),
    t("450200", "柳州", "Liuzhou"),
    t("450300", "桂林", "Guilin"),
    t("450400", "梧州", "Wuzhou"),
    t("450500", "北海", "Beihai"),
    t("450600", "防城港", "Fangchenggang"),
    t("450700", "钦州", "Qinzhou"),
    t("450800", "贵港", "Guigang"),
    t("450900", "玉林", "Yulin"),
    t("451000", "百色", "Baise"),
    t("451100", "贺州", "Hezhou"),
    t("451200", "河池", "Hechi"),
    t("451300", "来宾", "Laibin"),
    t("451400", "崇左", "Chongzuo"),
];

/// Provincial-level divisions of China (GB/T 2260).
pub const PROVINCES: &[Term] = &[
    t("110000", "北京", "Beijing"),
    t("120000", "天津", "Tianjin"),
    t("130000", "河北", "Hebei"),
    t("140000", "山西", "Shanxi"),
    t("150000", "内蒙古", "Inner Mongolia"),
    t("210000", "辽宁", "Liaoning"),
    t("220000", "吉林", "Jilin"),
    t("230000", "黑龙江", "Heilongjiang"),
    t("310000", "上海", "Shanghai"),
    t("320000", "江苏", "Jiangsu"),
    t("330000", "浙江", "Zhejiang"),
    t("340000", "安徽", "Anhui"),
    t("350000", "福建", "Fujian"),
    t("360000", "江西", "Jiangxi"),
    t("370000", "山东", "Shandong"),
    t("410000", "河南", "Henan"),
    t("420000", "湖北", "Hubei"),
    t("430000", "湖南", "Hunan"),
    t("440000", "广东", "Guangdong"),
    t("450000", "广西", "Guangxi"),
    t("460000", "海南", "Hainan"),
    t("500000", "重庆", "Chongqing"),
    t("510000", "四川", "Sichuan"),
    t("520000", "贵州", "Guizhou"),
    t("530000", "云南", "Yunnan"),
    t("540000", "西藏", "Tibet"),
    t("610000", "陕西", "Shaanxi"),
    t("620000", "甘肃", "Gansu"),
    t("630000", "青海", "Qinghai"),
    t("640000", "宁夏", "Ningxia"),
    t("650000", "新疆", "Xinjiang"),
    t("710000", "台湾", "Taiwan"),
    t("810000", "香港", "Hong Kong"),
    t("820000", "澳门", "Macao"),
];

/// An ASEAN member with its currency and main languages.
#[derive(Debug, Clone, Copy)]
pub struct AseanMember {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub currency: &'static str,
    pub languages: &'static [&'static str],
}

/// The eleven ASEAN members (Timor-Leste since October 2025).
pub const ASEAN: &[AseanMember] = &[
    AseanMember {
        code: "BN",
        zh: "文莱",
        en: "Brunei",
        currency: "BND",
        languages: &["ms"],
    },
    AseanMember {
        code: "KH",
        zh: "柬埔寨",
        en: "Cambodia",
        currency: "KHR",
        languages: &["km"],
    },
    AseanMember {
        code: "ID",
        zh: "印度尼西亚",
        en: "Indonesia",
        currency: "IDR",
        languages: &["id"],
    },
    AseanMember {
        code: "LA",
        zh: "老挝",
        en: "Laos",
        currency: "LAK",
        languages: &["lo"],
    },
    AseanMember {
        code: "MY",
        zh: "马来西亚",
        en: "Malaysia",
        currency: "MYR",
        languages: &["ms"],
    },
    AseanMember {
        code: "MM",
        zh: "缅甸",
        en: "Myanmar",
        currency: "MMK",
        languages: &["my"],
    },
    AseanMember {
        code: "PH",
        zh: "菲律宾",
        en: "Philippines",
        currency: "PHP",
        languages: &["fil", "en"],
    },
    AseanMember {
        code: "SG",
        zh: "新加坡",
        en: "Singapore",
        currency: "SGD",
        languages: &["en", "zh", "ms", "ta"],
    },
    AseanMember {
        code: "TH",
        zh: "泰国",
        en: "Thailand",
        currency: "THB",
        languages: &["th"],
    },
    AseanMember {
        code: "VN",
        zh: "越南",
        en: "Vietnam",
        currency: "VND",
        languages: &["vi"],
    },
    AseanMember {
        code: "TL",
        zh: "东帝汶",
        en: "Timor-Leste",
        currency: "USD",
        languages: &["tet", "pt"],
    },
];

/// IP types a listing can carry.
pub const IP_TYPES: &[Term] = &[
    t("invention_patent", "发明专利", "Invention patent"),
    t("utility_model", "实用新型", "Utility model"),
    t("design", "外观设计", "Design patent"),
    t("software_copyright", "软件著作权", "Software copyright"),
    t("plant_variety", "植物新品种", "Plant variety"),
    t("ic_layout", "集成电路布图设计", "IC layout design"),
    t("know_how", "技术秘密", "Know-how"),
    t("none", "无", "None"),
];

/// Patent status of an achievement's IP.
pub const PATENT_STATUSES: &[Term] = &[
    t("filed", "已申请", "Filed"),
    t("granted", "已授权", "Granted"),
    t("expired", "已失效", "Expired"),
    t("not_applicable", "不适用", "Not applicable"),
];

/// Cooperation modes (合作方式).
pub const COOPERATION_MODES: &[Term] = &[
    t("transfer", "转让", "Transfer of rights"),
    t("licence_exclusive", "独占许可", "Exclusive licence"),
    t("licence_sole", "排他许可", "Sole licence"),
    t("licence_non_exclusive", "普通许可", "Non-exclusive licence"),
    t("joint_development", "合作开发", "Joint development"),
    t(
        "commissioned_development",
        "委托开发",
        "Commissioned development",
    ),
    t("equity", "作价入股", "Equity investment with technology"),
    t("consulting", "技术咨询", "Technical consulting"),
    t("service", "技术服务", "Technical service"),
];

/// Technology readiness levels 1–9 (GB/T 22900 uses the same nine).
pub const TRL_LEVELS: &[Term] = &[
    t("1", "观察到基本原理", "Basic principles observed"),
    t("2", "形成技术概念", "Technology concept formulated"),
    t("3", "关键功能验证", "Proof of concept"),
    t("4", "实验室环境验证", "Validated in the lab"),
    t("5", "相关环境验证", "Validated in a relevant environment"),
    t(
        "6",
        "相关环境原型演示",
        "Prototype demonstrated in a relevant environment",
    ),
    t(
        "7",
        "实际环境原型演示",
        "Prototype demonstrated in the operational environment",
    ),
    t("8", "系统完成并鉴定", "System complete and qualified"),
    t("9", "实际运行验证", "Proven in operation"),
];

/// Languages listings can be written or translated in.
pub const LANGUAGES: &[Term] = &[
    t("zh", "中文", "Chinese"),
    t("en", "英文", "English"),
    t("vi", "越南文", "Vietnamese"),
    t("th", "泰文", "Thai"),
    t("ms", "马来文", "Malay"),
    t("id", "印尼文", "Indonesian"),
    t("km", "高棉文", "Khmer"),
    t("lo", "老挝文", "Lao"),
    t("my", "缅甸文", "Burmese"),
    t("fil", "菲律宾文", "Filipino"),
    t("ta", "泰米尔文", "Tamil"),
    t("pt", "葡萄牙文", "Portuguese"),
    t("tet", "德顿文", "Tetum"),
];

impl From<&Term> for wire::taxonomy::Term {
    fn from(t: &Term) -> Self {
        wire::taxonomy::Term {
            code: t.code.to_owned(),
            zh: t.zh.to_owned(),
            en: t.en.to_owned(),
        }
    }
}

impl From<&AseanMember> for wire::taxonomy::AseanMember {
    fn from(m: &AseanMember) -> Self {
        wire::taxonomy::AseanMember {
            code: m.code.to_owned(),
            zh: m.zh.to_owned(),
            en: m.en.to_owned(),
            currency: m.currency.to_owned(),
            languages: m.languages.iter().map(|l| (*l).to_owned()).collect(),
        }
    }
}

/// A table as the API answers it.
pub fn terms_out(terms: &[Term]) -> Vec<wire::taxonomy::Term> {
    terms.iter().map(wire::taxonomy::Term::from).collect()
}

fn has(terms: &[Term], code: &str) -> bool {
    terms.iter().any(|t| t.code == code)
}

pub fn is_industry(code: &str) -> bool {
    has(INDUSTRIES, code)
}

pub fn is_ip_type(code: &str) -> bool {
    has(IP_TYPES, code)
}

pub fn is_patent_status(code: &str) -> bool {
    has(PATENT_STATUSES, code)
}

pub fn is_cooperation_mode(code: &str) -> bool {
    has(COOPERATION_MODES, code)
}

pub fn is_language(code: &str) -> bool {
    has(LANGUAGES, code)
}

/// A known Chinese region: a province or a Guangxi city. Other provinces' cities are accepted
/// when their first two digits name a province (we do not ship every city of China).
pub fn is_chinese_region(code: &str) -> bool {
    crate::identifiers::is_gbt2260_code(code)
        && (has(GUANGXI_CITIES, code)
            || has(PROVINCES, code)
            || PROVINCES.iter().any(|p| p.code[..2] == code[..2]))
}

/// The ASEAN member with this ISO code.
pub fn asean(code: &str) -> Option<&'static AseanMember> {
    ASEAN.iter().find(|m| m.code == code)
}

/// Label of a region code (city, province or ASEAN country) in `lang` (`zh` or anything else
/// for English).
pub fn region_label(code: &str, lang: &str) -> Option<&'static str> {
    let pick = |t: &Term| if lang == "zh" { t.zh } else { t.en };
    if let Some(term) = GUANGXI_CITIES
        .iter()
        .chain(PROVINCES)
        .find(|t| t.code == code)
    {
        return Some(pick(term));
    }
    asean(code).map(|m| if lang == "zh" { m.zh } else { m.en })
}

/// IPC code (`A01D`, `A01D 45/10`, `A01D45/10`): section, class, subclass, optional group.
pub fn is_ipc_code(code: &str) -> bool {
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let b = compact.as_bytes();
    if b.len() < 4 {
        return false;
    }
    let section = matches!(b[0], b'A'..=b'H');
    let class = b[1].is_ascii_digit() && b[2].is_ascii_digit();
    let subclass = b[3].is_ascii_uppercase();
    if !(section && class && subclass) {
        return false;
    }
    let rest = &compact[4..];
    if rest.is_empty() {
        return true;
    }
    // Main group 1-4 digits, '/', subgroup 2-6 digits.
    match rest.split_once('/') {
        Some((group, sub)) => {
            (1..=4).contains(&group.len())
                && group.bytes().all(|c| c.is_ascii_digit())
                && (2..=6).contains(&sub.len())
                && sub.bytes().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Normalises an IPC code to `A01D 45/10` form (`A01D` stays as is).
pub fn normalise_ipc(code: &str) -> String {
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() > 4 {
        format!("{} {}", &compact[..4], &compact[4..])
    } else {
        compact
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipc_codes_by_pattern() {
        for ok in [
            "A01D",
            "A01D 45/10",
            "A01D45/10",
            "H01M 10/0525",
            "G06N 3/08",
        ] {
            assert!(is_ipc_code(ok), "{ok}");
        }
        for bad in [
            "",
            "A1D",
            "Z01D",
            "A01d",
            "A01D 45",
            "A01D 45/1",
            "A01D x/10",
        ] {
            assert!(!is_ipc_code(bad), "{bad}");
        }
        assert_eq!(normalise_ipc("A01D45/10"), "A01D 45/10");
    }

    #[test]
    fn regions() {
        assert!(is_chinese_region("450200"));
        assert!(is_chinese_region("440300"));
        assert!(!is_chinese_region("990000"));
        assert_eq!(region_label("450200", "zh"), Some("柳州"));
        assert_eq!(region_label("VN", "en"), Some("Vietnam"));
    }
}
