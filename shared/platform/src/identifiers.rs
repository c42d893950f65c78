//! Identifiers worth validating at the door: the unified social credit code (统一社会信用代码,
//! GB 32100) of Chinese organisations, and the ASEAN members' ISO country codes (which countries
//! the platform serves is `platform::countries`).

/// The 31 characters of GB 32100 (no I, O, S, V, Z), in value order.
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a credit code is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("must be 18 characters")]
    Length,
    #[error("character {0:?} is not allowed (digits and A-Y without I, O, S, V, Z)")]
    Character(char),
    #[error("check character should be {expected:?}")]
    CheckCharacter { expected: char },
}

/// Validates a unified social credit code, upper-casing it first; returns the normalised code.
pub fn parse_credit_code(raw: &str) -> Result<String, CreditCodeError> {
    let code = raw.trim().to_ascii_uppercase();
    if code.chars().count() != 18 {
        return Err(CreditCodeError::Length);
    }
    let mut sum = 0u32;
    let bytes = code.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let value = USCC_ALPHABET
            .iter()
            .position(|&a| a == b)
            .ok_or(CreditCodeError::Character(char::from(b)))?;
        if i < 17 {
            sum += u32::try_from(value).unwrap_or(0) * USCC_WEIGHTS[i];
        }
    }
    let check = (31 - sum % 31) % 31;
    let expected = char::from(USCC_ALPHABET[check as usize]);
    if char::from(bytes[17]) != expected {
        return Err(CreditCodeError::CheckCharacter { expected });
    }
    Ok(code)
}

/// The check character for the first 17 characters of a credit code (used to make valid
/// codes for sample data).
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (i, b) in first17.bytes().enumerate() {
        let value = USCC_ALPHABET.iter().position(|&a| a == b)?;
        sum += u32::try_from(value).ok()? * USCC_WEIGHTS[i];
    }
    Some(char::from(USCC_ALPHABET[((31 - sum % 31) % 31) as usize]))
}

/// ASEAN members (ISO 3166-1 alpha-2), including Timor-Leste since October 2025.
pub const ASEAN_COUNTRIES: [&str; 11] = [
    "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN", "TL",
];

/// GB/T 2260 region code: six digits.
pub fn is_gbt2260_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_credit_codes() {
        for code in [
            "91440300708461136T",
            "91350100M000100Y43",
            "9144030071526726xg",
        ] {
            assert!(parse_credit_code(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn refuses_a_wrong_check_character() {
        assert_eq!(
            parse_credit_code("91440300708461136A"),
            Err(CreditCodeError::CheckCharacter { expected: 'T' })
        );
        assert_eq!(
            parse_credit_code("9144030070846113"),
            Err(CreditCodeError::Length)
        );
        assert_eq!(
            parse_credit_code("91440300708461136I"),
            Err(CreditCodeError::Character('I'))
        );
    }
}
