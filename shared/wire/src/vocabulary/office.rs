//! The registration office's vocabulary: kinds of office, the 认定 decision, how a contract is
//! paid, who a recorded party is, what a certificate check answers.

vocabulary! {
    /// A registration office (技术合同登记机构): the provincial office or a city's 登记点.
    pub enum OfficeKind {
        /// 自治区技术合同登记机构: works the contracts no city office covers.
        Provincial = "provincial",
        /// 市级登记点: works the contracts of its city.
        City = "city",
    }
}

vocabulary! {
    /// The 认定 decision on a submitted contract, with what the office corrected.
    pub enum DecisionKind {
        /// Registered as submitted.
        Registered = "registered",
        /// Registered under another contract type or subtype (认定类型更正).
        TypeCorrected = "type_corrected",
        /// Registered with corrected amounts (核定技术交易额).
        AmountsCorrected = "amounts_corrected",
        /// Registered with both type and amounts corrected.
        TypeAndAmountsCorrected = "type_and_amounts_corrected",
        /// Not a technology contract, or not registrable: refused (不予登记).
        Refused = "refused",
    }
}

vocabulary! {
    /// How the price of a technology contract is paid (支付方式), as the registration form asks.
    pub enum PaymentMethod {
        /// 一次总算、一次总付
        LumpSum = "lump_sum",
        /// 一次总算、分期支付
        Instalments = "instalments",
        /// 提成支付
        Royalty = "royalty",
        /// 提成支付附加预付入门费
        RoyaltyWithDownPayment = "royalty_with_down_payment",
        /// 其他
        Other = "other",
    }
}

vocabulary! {
    /// Which side of a contract a party is on.
    pub enum PartyRole {
        Seller = "seller",
        Buyer = "buyer",
        Intermediary = "intermediary",
    }
}
