//! Hostile files: spreadsheets built to exhaust memory (a sheet declaring 17 billion cells, a
//! zip that unpacks to gigabytes), a file far over the upload limit, files that are not what
//! their name says, and an amount that overflows decimal arithmetic. Each is refused with a
//! clear problem or a failed import naming the cause, three times in a row, while the platform
//! keeps serving and its job queue keeps working.

use std::io::Write;

use integration_tests::{db_test, TestApp};
use reqwest::Method;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const HEADER_EN: &str = "title,summary,industry,ip_type,trl,price_min,price_max,region";

/// Two cells, at A1 and XFD1048576: about 1.6 KB on disk, 17 billion cells declared.
fn sparse_sheet() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "title").expect("A1");
    sheet
        .write_string(1_048_575, 16_383, "x")
        .expect("XFD1048576");
    workbook.save_to_buffer().expect("xlsx")
}

/// A zip archive whose one part inflates to 300 MiB of zeros (a few hundred KB packed).
fn zip_bomb() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file("xl/worksheets/sheet1.xml", options)
            .expect("part");
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..300 {
            zip.write_all(&zeros).expect("write");
        }
        zip.finish().expect("finish");
    }
    out.into_inner()
}

async fn upload(
    app: &TestApp,
    token: &str,
    file_name: &str,
    content_type: &str,
    body: Vec<u8>,
) -> integration_tests::TestResponse {
    app.client_request(
        Method::POST,
        &format!("/api/v1/imports?kind=achievements&file_name={file_name}"),
        token,
        content_type,
        body,
    )
    .await
}

/// The platform still answers, and a valid import still runs to the end.
async fn assert_still_serving(app: &TestApp, token: &str) {
    app.get("/healthz", None).await.assert_status(200);
    app.get("/api/v1/search?q=甘蔗", None)
        .await
        .assert_status(200);
    let csv = format!("{HEADER_EN}\n甘蔗收割机智能控制系统,利用视觉识别实现甘蔗收割机自动对行与切割高度控制。,modern_agriculture,invention_patent,6,500000,800000,柳州\n");
    let started = upload(app, token, "ok.csv", "text/csv", csv.into_bytes()).await;
    let id = started.assert_status(202)["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.run_jobs().await;
    let done = app.get(&format!("/api/v1/imports/{id}"), Some(token)).await;
    assert_eq!(
        done.assert_status(200)["status"],
        "succeeded",
        "{}",
        done.text
    );
}

db_test! {
    async fn a_sheet_declaring_seventeen_billion_cells_is_refused_three_times_and_the_platform_serves_on(app: TestApp) {
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let bomb = sparse_sheet();
        assert!(bomb.len() < 10_000, "the attack is a small file ({} bytes)", bomb.len());
        for _ in 0..3 {
            let res = upload(&app, &uni, "list.xlsx", XLSX, bomb.clone()).await;
            res.assert_problem(422, "validation_failed");
            assert!(res.text.contains("XFD1048576"), "names the cell: {}", res.text);
        }
        assert_still_serving(&app, &uni).await;
    }
}

db_test! {
    async fn a_zip_bomb_is_refused_three_times_and_the_platform_serves_on(app: TestApp) {
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let bomb = zip_bomb();
        assert!(bomb.len() < 2 * 1024 * 1024, "packed small ({} bytes)", bomb.len());
        for _ in 0..3 {
            let res = upload(&app, &uni, "list.xlsx", XLSX, bomb.clone()).await;
            res.assert_problem(422, "validation_failed");
            assert!(res.text.contains("unpacks to more than"), "{}", res.text);
        }
        assert_still_serving(&app, &uni).await;
    }
}

/// Sends an upload declaring `declared` bytes, writes only its first MiB, and reads the
/// answer: the server must refuse on the declaration, without waiting for (or reading) the
/// rest. A raw socket, because an HTTP client still writing the body may see the refusal as
/// a broken pipe instead of the response.
async fn declare_and_read_answer(app: &TestApp, token: &str, declared: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut socket = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    let head = format!(
        "POST /api/v1/imports?kind=achievements&file_name=huge.csv HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: text/csv\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n",
        app.addr
    );
    socket.write_all(head.as_bytes()).await.expect("head");
    let _ = socket.write_all(&vec![b'x'; 1024 * 1024]).await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        socket.read_to_end(&mut answer),
    )
    .await;
    assert!(
        read.is_ok(),
        "the server waited for the rest of a body it must refuse"
    );
    String::from_utf8_lossy(&answer).into_owned()
}

db_test! {
    async fn a_100_mb_csv_is_refused_before_it_is_read_and_the_platform_serves_on(app: TestApp) {
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        for _ in 0..3 {
            let answer = declare_and_read_answer(&app, &uni, 100 * 1024 * 1024).await;
            assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
            assert!(answer.contains("payload_too_large"), "{answer}");
        }
        assert_still_serving(&app, &uni).await;
    }
}

db_test! {
    async fn files_that_are_not_what_their_name_says_are_refused(app: TestApp) {
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        // A PNG named .xlsx.
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
        for _ in 0..3 {
            let res = upload(&app, &uni, "photo.xlsx", XLSX, png.clone()).await;
            res.assert_problem(422, "validation_failed");
            assert!(res.text.contains("not an XLSX file"), "{}", res.text);
        }
        // An XLSX named .csv.
        let res = upload(&app, &uni, "list.csv", "text/csv", sparse_sheet()).await;
        res.assert_problem(422, "validation_failed");
        assert!(res.text.contains("not a CSV file"), "{}", res.text);
        // Binary bytes named .csv.
        let res = upload(&app, &uni, "list.csv", "text/csv", png).await;
        res.assert_problem(422, "validation_failed");
        // A zip that is not a workbook.
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut out);
            zip.start_file("readme.txt", zip::write::SimpleFileOptions::default()).expect("part");
            zip.write_all(b"hello").expect("write");
            zip.finish().expect("finish");
        }
        let res = upload(&app, &uni, "other.xlsx", XLSX, out.into_inner()).await;
        res.assert_problem(422, "validation_failed");
        assert!(res.text.contains("not a readable XLSX file"), "{}", res.text);
        let none = app.get("/api/v1/imports", Some(&uni)).await;
        assert_eq!(none.assert_status(200).as_array().map(Vec::len), Some(0), "no refused file became an import");
        assert_still_serving(&app, &uni).await;
    }
}

db_test! {
    async fn an_amount_that_overflows_decimal_arithmetic_is_a_row_error_not_a_dead_worker(app: TestApp) {
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let csv = format!(
            "{HEADER_EN}\n甘蔗收割机智能控制系统,利用视觉识别实现甘蔗收割机自动对行与切割高度控制。,modern_agriculture,invention_patent,6,79228162514264337593543950335,79228162514264337593543950335,柳州\n"
        );
        let started = upload(&app, &uni, "overflow.csv", "text/csv", csv.into_bytes()).await;
        let id = started.assert_status(202)["id"].as_str().expect("id").to_owned();
        let outcomes = app.run_jobs().await;
        assert!(outcomes.iter().all(|o| matches!(o, platform::jobs::worker::Outcome::Done { .. })), "{outcomes:?}");
        let done = app.get(&format!("/api/v1/imports/{id}"), Some(&uni)).await;
        let done = done.assert_status(200);
        assert_eq!(done["status"], "failed");
        assert_eq!(done["errors"][0]["row"], 2);
        assert!(done["errors"][0]["reason"].as_str().expect("reason").contains("too large"), "{done}");
        assert_still_serving(&app, &uni).await;
    }
}
