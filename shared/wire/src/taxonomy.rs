//! The taxonomy answers (`/api/v1/taxonomies/*`): coded entries with Chinese and English
//! labels. The listing service fills them from its static tables (`platform::taxonomy`); the
//! portal reads them to label codes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A coded entry with labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Term {
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// An ASEAN member with its currency and main languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AseanMember {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Language codes.
    pub languages: Vec<String>,
}

/// Regions: Guangxi's cities, China's provinces and the ASEAN members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Regions {
    pub guangxi: Term,
    pub guangxi_cities: Vec<Term>,
    pub provinces: Vec<Term>,
    pub asean: Vec<AseanMember>,
}
