//! The CSV half of the import reader: any bytes give a table or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use listing::domain::spreadsheet::{read, Format};

fuzz_target!(|data: &[u8]| {
    let _ = read(Format::Csv, data);
});
