//! Partners beyond ASEAN and agencies acting for clients (issue 16).

vocabulary! {
    /// The group a counterpart country belongs to, as the region's statistics report it.
    pub enum PartnerGroup {
        /// China itself (a counterpart elsewhere in China).
        Domestic = "domestic",
        /// The ASEAN members.
        Asean = "asean",
        /// The RCEP members outside ASEAN and China: Japan, Korea, Australia, New Zealand.
        Rcep = "rcep",
        /// Belt and Road (一带一路) partner countries an operator added.
        BeltAndRoad = "belt_and_road",
        /// Any other served country.
        Other = "other",
    }
}

impl PartnerGroup {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Domestic => "国内",
            Self::Asean => "东盟",
            Self::Rcep => "其他RCEP成员",
            Self::BeltAndRoad => "一带一路",
            Self::Other => "其他合作国家",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Domestic => "Domestic",
            Self::Asean => "ASEAN",
            Self::Rcep => "Other RCEP members",
            Self::BeltAndRoad => "Belt and Road",
            Self::Other => "Other partners",
        }
    }

    /// Whether an operator may file a country they add under this group: China and the
    /// ASEAN members are fixed by definition, never added.
    pub fn operator_may_assign(self) -> bool {
        matches!(self, Self::Rcep | Self::BeltAndRoad | Self::Other)
    }
}

vocabulary! {
    /// What a client's consent lets a broker agency post and manage for it.
    pub enum AgencyScope {
        Achievements = "achievements",
        Needs = "needs",
        All = "all",
    }
}

impl AgencyScope {
    /// Whether the consent covers listings of `kind`.
    pub fn covers(self, kind: super::ListingKind) -> bool {
        match self {
            Self::All => true,
            Self::Achievements => kind == super::ListingKind::Achievement,
            Self::Needs => kind == super::ListingKind::Need,
        }
    }
}
