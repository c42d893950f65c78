//! What a file is, told by its first bytes (magic numbers), never by its name or the type a
//! client claims: a page renamed `.pdf` or a program renamed `.png` is refused. Only the types
//! on the allow-list below are stored; each is served back with its own type, as an attachment,
//! so nothing stored can run in a browser.

/// The allow-list: the types a contract file arrives in (scans, signed PDFs, office
/// documents). Plain text, HTML, SVG, archives and executables are deliberately absent: text
/// has no magic number to check, and the others could run or hide anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentType {
    Pdf,
    Png,
    Jpeg,
    Tiff,
    /// Word (Office Open XML).
    Docx,
    /// Excel (Office Open XML).
    Xlsx,
    /// OpenDocument text.
    Odt,
    /// OpenDocument spreadsheet.
    Ods,
}

impl DocumentType {
    /// Every allowed type.
    pub const ALL: &'static [DocumentType] = &[
        DocumentType::Pdf,
        DocumentType::Png,
        DocumentType::Jpeg,
        DocumentType::Tiff,
        DocumentType::Docx,
        DocumentType::Xlsx,
        DocumentType::Odt,
        DocumentType::Ods,
    ];

    /// The media type stored and served.
    pub const fn mime(self) -> &'static str {
        match self {
            DocumentType::Pdf => "application/pdf",
            DocumentType::Png => "image/png",
            DocumentType::Jpeg => "image/jpeg",
            DocumentType::Tiff => "image/tiff",
            DocumentType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            DocumentType::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            DocumentType::Odt => "application/vnd.oasis.opendocument.text",
            DocumentType::Ods => "application/vnd.oasis.opendocument.spreadsheet",
        }
    }

    /// The usual file extension, without the dot.
    pub const fn extension(self) -> &'static str {
        match self {
            DocumentType::Pdf => "pdf",
            DocumentType::Png => "png",
            DocumentType::Jpeg => "jpg",
            DocumentType::Tiff => "tif",
            DocumentType::Docx => "docx",
            DocumentType::Xlsx => "xlsx",
            DocumentType::Odt => "odt",
            DocumentType::Ods => "ods",
        }
    }

    /// The type of a stored media type (as recorded beside a document).
    pub fn from_mime(mime: &str) -> Option<DocumentType> {
        Self::ALL.iter().copied().find(|t| t.mime() == mime)
    }
}

/// How many leading bytes [`sniff`] wants: an office document is told apart from any other zip
/// by the names of its first entries, which can sit a few kilobytes in.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// The allowed type of a file starting with `head` (at most [`SNIFF_BYTES`], the whole file if
/// shorter), or `None`.
pub fn sniff(head: &[u8]) -> Option<DocumentType> {
    // At offset 0 only: viewers accept a PDF header anywhere in the first kilobyte, but a file
    // that starts with something else is something else as well (a polyglot).
    if head.starts_with(b"%PDF-") {
        return Some(DocumentType::Pdf);
    }
    if infer::image::is_png(head) {
        return Some(DocumentType::Png);
    }
    if infer::image::is_jpeg(head) {
        return Some(DocumentType::Jpeg);
    }
    if infer::image::is_tiff(head) {
        return Some(DocumentType::Tiff);
    }
    if !head.starts_with(b"PK\x03\x04") {
        return None;
    }
    if infer::odf::is_odt(head) {
        return Some(DocumentType::Odt);
    }
    if infer::odf::is_ods(head) {
        return Some(DocumentType::Ods);
    }
    if infer::doc::is_docx(head) {
        return Some(DocumentType::Docx);
    }
    if infer::doc::is_xlsx(head) {
        return Some(DocumentType::Xlsx);
    }
    office_by_entry_names(head)
}

/// infer looks only at the first three entries of a zip; writers differ in their order (an
/// XLSX of rust_xlsxwriter starts with docProps). This walks the local headers in `head`
/// instead: an entry under `word/` makes a DOCX, under `xl/` an XLSX. Stops at the first
/// entry whose size it cannot know (data descriptor) or that runs past `head`.
fn office_by_entry_names(head: &[u8]) -> Option<DocumentType> {
    let mut at = 0usize;
    let u16_at = |i: usize| -> Option<usize> {
        head.get(i..i + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |i: usize| -> Option<usize> {
        head.get(i..i + 4)
            .and_then(|b| usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok())
    };
    let mut has_content_types = false;
    for _ in 0..64 {
        if head.get(at..at + 4)? != b"PK\x03\x04" {
            return None;
        }
        let flags = u16_at(at + 6)?;
        let compressed = u32_at(at + 18)?;
        let name_len = u16_at(at + 26)?;
        let extra_len = u16_at(at + 28)?;
        let name = head.get(at + 30..at + 30 + name_len)?;
        if name == b"[Content_Types].xml" {
            has_content_types = true;
        }
        // An Office Open XML package always has [Content_Types].xml; a plain zip with a
        // `word/` folder is not a Word document.
        if name.starts_with(b"word/") && has_content_types {
            return Some(DocumentType::Docx);
        }
        if name.starts_with(b"xl/") && has_content_types {
            return Some(DocumentType::Xlsx);
        }
        if flags & 0x08 != 0 {
            // Sizes follow the data: the next header cannot be found without inflating.
            return None;
        }
        at = at
            .checked_add(30)?
            .checked_add(name_len)?
            .checked_add(extra_len)?
            .checked_add(compressed)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers_decide() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(DocumentType::Pdf));
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(DocumentType::Png)
        );
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF"),
            Some(DocumentType::Jpeg)
        );
        assert_eq!(sniff(b"II*\0\x08\0\0\0\0\0\0"), Some(DocumentType::Tiff));
    }

    #[test]
    fn pages_programs_and_plain_zips_are_refused() {
        assert_eq!(
            sniff(b"<!DOCTYPE html><html><script>alert(1)</script>"),
            None
        );
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF"), None);
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01"), None);
        assert_eq!(sniff(b"  %PDF-1.4 after some junk"), None);
        assert_eq!(sniff(b""), None);
        // A zip whose only entry is a text file.
        let mut zip =
            b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\x05\0\0\0\x05\0\0\0\x05\0\0\0".to_vec();
        zip.extend_from_slice(b"a.txthello");
        assert_eq!(sniff(&zip), None);
    }

    #[test]
    fn office_documents_are_found_by_entry_names() {
        let entry = |name: &[u8], data: &[u8]| {
            let mut e = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec();
            let len = u32::try_from(data.len()).expect("small").to_le_bytes();
            e.extend_from_slice(&len);
            e.extend_from_slice(&len);
            e.extend_from_slice(&u16::try_from(name.len()).expect("small").to_le_bytes());
            e.extend_from_slice(&[0, 0]);
            e.extend_from_slice(name);
            e.extend_from_slice(data);
            e
        };
        let mut docx = entry(b"docProps/app.xml", b"<x/>");
        docx.extend(entry(b"docProps/core.xml", b"<x/>"));
        docx.extend(entry(b"[Content_Types].xml", b"<Types/>"));
        docx.extend(entry(b"_rels/.rels", b"<r/>"));
        docx.extend(entry(b"word/document.xml", b"<w/>"));
        assert_eq!(sniff(&docx), Some(DocumentType::Docx));
        let mut fake = entry(b"a/b.txt", b"x");
        fake.extend(entry(b"word/document.xml", b"<w/>"));
        assert_eq!(sniff(&fake), None);
    }
}
