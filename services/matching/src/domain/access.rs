//! Who may see which matches: the need's and the achievement's organisations, operators, and
//! verified brokers within their fields and regions (the worklist rules).

pub use platform::match_access::{broker_area, ensure_may_see, BrokerArea};
