//! The unified social credit code checker: never a panic, and it agrees with the check
//! character generator (a code made with it is accepted; the same code with any other check
//! character is refused).
#![no_main]

use libfuzzer_sys::fuzz_target;
use platform::identifiers::{credit_code_check_char, parse_credit_code};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(code) = parse_credit_code(&text) {
        assert_eq!(code.len(), 18);
        assert_eq!(credit_code_check_char(&code[..17]), code.chars().last(), "{code}");
    }
    if let Some(check) = credit_code_check_char(&text) {
        let code = format!("{text}{check}");
        assert!(parse_credit_code(&code).is_ok(), "{code:?} made with its own check character is refused");
    }
});
