//! The registration certificate (技术合同登记证明) as PDF: registration number, parties,
//! amounts, date, office, and the verification code with its link, in Chinese and English.
//!
//! Written with `krilla`, which embeds the font subset to the glyphs used (a certificate of a
//! CJK font's 20 MB weighs tens of kilobytes) and maps every glyph back to its text (a
//! `ToUnicode` map), so the PDF's text can be searched and copied. The font is the system's,
//! never downloaded: `documents.pdf_font` (and `pdf_font_index` for a collection), or the
//! first of [`FONT_SEARCH`] present (Debian's fonts-noto-cjk and fonts-wqy). Without a usable
//! font the certificate is a 503 naming the setting, never a PDF of empty boxes.
//!
//! The registration number, verification code and link are also in the document's metadata
//! (title and keywords), readable without parsing any page.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use krilla::Document;
use platform::config::DocumentsConfig;
use platform::error::{ApiError, ApiResult};
use platform::money::Money;
use wire::office::RegistrationFileOut;
use wire::PartyRole;

use super::export::yuan;

/// Where a CJK font is looked for when `documents.pdf_font` is unset, with the face to use in
/// a collection: the simplified-Chinese face of Noto Sans/Serif CJK (index 2), WenQuanYi's
/// first face.
pub const FONT_SEARCH: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
];

/// A4 in points.
const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 56.0;
/// Characters per line before a value wraps (CJK characters are about one em wide).
const LINE_CHARS: usize = 34;

/// The font last loaded, by path and face: reading 20 MB per certificate would be wasteful.
static LOADED: Mutex<Option<(PathBuf, u32, Font)>> = Mutex::new(None);

/// The path and face configured, or the first of [`FONT_SEARCH`] that exists.
fn font_choice(config: &DocumentsConfig) -> Option<(PathBuf, u32)> {
    match &config.pdf_font {
        Some(p) => Some((p.clone(), config.pdf_font_index)),
        None => FONT_SEARCH
            .iter()
            .map(|(p, i)| (PathBuf::from(p), *i))
            .find(|(p, _)| p.is_file()),
    }
}

fn no_font(detail: &str) -> ApiError {
    tracing::warn!(detail, "no usable font for PDF certificates");
    ApiError::Unavailable(format!(
        "PDF certificates need a CJK font: {detail}; set documents.pdf_font (the HTML certificate prints to PDF from any browser)"
    ))
}

/// Loads (or reuses) the font; blocking, run off the async runtime.
fn load_font(path: &Path, index: u32) -> ApiResult<Font> {
    let mut cache = LOADED
        .lock()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("font cache poisoned")))?;
    if let Some((p, i, font)) = cache.as_ref() {
        if p == path && *i == index {
            return Ok(font.clone());
        }
    }
    let bytes = std::fs::read(path)
        .map_err(|e| no_font(&format!("cannot read {}: {e}", path.display())))?;
    let font = Font::new(Arc::new(bytes).into(), index).ok_or_else(|| {
        no_font(&format!(
            "{} (face {index}) is not a usable TrueType/OpenType font",
            path.display()
        ))
    })?;
    *cache = Some((path.to_owned(), index, font.clone()));
    Ok(font)
}

/// An amount in its currency, with the CNY figure beside a foreign one.
fn amount(file: &RegistrationFileOut, minor: i64, cny_minor: i64) -> String {
    if file.currency == "CNY" {
        return format!("¥{} CNY", yuan(cny_minor));
    }
    let original = Money::new(minor, &file.currency)
        .to_major()
        .map(|d| format!("{d} {}", file.currency))
        .unwrap_or_else(|_| format!("{minor} ({})", file.currency));
    format!("{original} (¥{} CNY)", yuan(cny_minor))
}

/// The certificate's lines: (label, value). Fails when the registration has no certificate.
pub fn lines(
    file: &RegistrationFileOut,
    verify_url: &str,
    code: &str,
) -> ApiResult<Vec<(String, String)>> {
    let number = file.registration_number.clone().ok_or_else(|| {
        ApiError::conflict(
            "not_registered",
            "this contract is not registered: no certificate",
        )
    })?;
    let party = |role: PartyRole| {
        file.parties
            .iter()
            .filter(|p| p.role == role)
            .map(|p| match (&p.credit_code, &p.foreign_registration_number) {
                (Some(c), _) => format!("{}（{c}）", p.name),
                (None, Some(f)) => format!("{}（{f}, {}）", p.name, p.country),
                (None, None) => p.name.clone(),
            })
            .collect::<Vec<_>>()
            .join("；")
    };
    let mut out = vec![
        ("登记号 Registration No.".to_owned(), number),
        (
            "合同名称 Contract".to_owned(),
            format!("{}（{}）", file.contract_name, file.contract_number),
        ),
        (
            "合同类型 Type".to_owned(),
            format!("{} / {}", file.contract_type, file.subtype),
        ),
        ("卖方 Seller".to_owned(), party(PartyRole::Seller)),
        ("买方 Buyer".to_owned(), party(PartyRole::Buyer)),
    ];
    let intermediary = party(PartyRole::Intermediary);
    if !intermediary.is_empty() {
        out.push(("中介方 Intermediary".to_owned(), intermediary));
    }
    out.extend([
        (
            "合同成交额 Contract amount".to_owned(),
            amount(
                file,
                file.contract_amount_minor,
                file.contract_amount_cny_minor,
            ),
        ),
        (
            "技术交易额 Technology amount".to_owned(),
            amount(file, file.tech_amount_minor, file.tech_amount_cny_minor),
        ),
        ("签订日期 Signed on".to_owned(), file.signed_on.to_string()),
        (
            "登记日期 Registered on".to_owned(),
            file.registered_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        (
            "登记机构 Office".to_owned(),
            file.office_name.clone().unwrap_or_default(),
        ),
        ("验证码 Verification code".to_owned(), code.to_owned()),
        ("验证网址 Verify at".to_owned(), verify_url.to_owned()),
    ]);
    Ok(out)
}

/// Splits a value into lines of at most [`LINE_CHARS`] characters.
fn wrap(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    chars
        .chunks(LINE_CHARS)
        .map(|c| c.iter().collect())
        .collect()
}

/// Renders the certificate (blocking: font loading and subsetting are CPU and disk work).
pub fn render(
    config: &DocumentsConfig,
    lines: &[(String, String)],
    number: &str,
    code: &str,
    verify_url: &str,
) -> ApiResult<Vec<u8>> {
    let (path, index) = font_choice(config).ok_or_else(|| {
        no_font(&format!(
            "none of {} is installed",
            FONT_SEARCH
                .iter()
                .map(|(p, _)| *p)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let font = load_font(&path, index)?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("技术合同登记证明 {number}"))
            .description(format!("Verification code {code}: {verify_url}"))
            .keywords(vec![
                number.to_owned(),
                code.to_owned(),
                verify_url.to_owned(),
            ])
            .creator("TechMarket".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE.0, PAGE.1)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("A4 is not a page size")))?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    let mut y = MARGIN + 24.0;
    surface.draw_text(
        Point::from_xy(MARGIN, y),
        font.clone(),
        22.0,
        "技术合同登记证明",
        false,
        TextDirection::Auto,
    );
    y += 22.0;
    surface.draw_text(
        Point::from_xy(MARGIN, y),
        font.clone(),
        12.0,
        "Technology Contract Registration Certificate",
        false,
        TextDirection::Auto,
    );
    y += 36.0;
    for (label, value) in lines {
        surface.draw_text(
            Point::from_xy(MARGIN, y),
            font.clone(),
            9.5,
            label,
            false,
            TextDirection::Auto,
        );
        y += 15.0;
        for part in wrap(value) {
            surface.draw_text(
                Point::from_xy(MARGIN + 12.0, y),
                font.clone(),
                12.0,
                &part,
                false,
                TextDirection::Auto,
            );
            y += 17.0;
        }
        y += 6.0;
    }
    y = y.max(PAGE.1 - MARGIN - 30.0);
    for (i, note) in [
        "任何人可在上述网址输入验证码核验本证明的真伪。",
        "Anyone can check this certificate at the address above.",
    ]
    .into_iter()
    .enumerate()
    {
        let dy = if i == 0 { 0.0 } else { 13.0 };
        surface.draw_text(
            Point::from_xy(MARGIN, y + dy),
            font.clone(),
            9.0,
            note,
            false,
            TextDirection::Auto,
        );
    }
    surface.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("PDF certificate: {e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_wrap_and_empty_ones_keep_a_line() {
        assert_eq!(wrap(""), vec![String::new()]);
        let long = "甲".repeat(LINE_CHARS * 2 + 1);
        let parts = wrap(&long);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts.concat(), long);
    }

    #[test]
    fn a_missing_font_is_a_503_not_a_panic() {
        let config = DocumentsConfig {
            pdf_font: Some(PathBuf::from("/nonexistent/font.ttc")),
            ..DocumentsConfig::default()
        };
        let err = render(&config, &[], "X", "Y", "Z").expect_err("no font");
        assert!(matches!(err, ApiError::Unavailable(_)), "{err:?}");
    }
}
