//! Media against the real S3-compatible server of the local stack, through
//! the gateway: photos lose their metadata and get their sizes; an upload
//! corpus of hostile or broken files is refused or neutralised, each case a
//! test; ranges and conditional requests; quotas; the library's deletion
//! and the orphan sweep; and a second commune reaches nothing of the first.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Cursor;
use std::time::Duration;

use common::browser::Platform;
use common::upload;
use common::workspace::{Browser, head_of, publish};
use congxa_testing::TestEnv;
use reqwest::StatusCode;

const QT: &str = "quoctuan.localhost";
const AH: &str = "anhung.localhost";
/// Text placed in a photo's GPS block, to be looked for in what is served.
const GPS_MARKER: &[u8] = b"VI-TRI-NHA-ONG-A";

fn client(platform: &Platform) -> reqwest::Client {
    let gateway = std::net::SocketAddr::from(([127, 0, 0, 1], platform.port));
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(QT, gateway)
        .resolve(AH, gateway)
        .build()
        .unwrap()
}

fn url(platform: &Platform, host: &str, path: &str) -> String {
    format!("http://{host}:{}{path}", platform.port)
}

async fn get(platform: &Platform, host: &str, path: &str) -> reqwest::Response {
    client(platform)
        .get(url(platform, host, path))
        .send()
        .await
        .unwrap()
}

/// Objects in the bucket under a commune's prefix.
async fn objects_of(env: &TestEnv, slug: &str) -> usize {
    let tenant: uuid::Uuid = sqlx::query_scalar("SELECT id FROM tenants WHERE slug = $1")
        .bind(slug)
        .fetch_one(&env.admin)
        .await
        .unwrap();
    let store = congxa_storage::Store::new(&env.config);
    store
        .list(&format!("tenants/{tenant}/"))
        .await
        .unwrap()
        .len()
}

async fn rows(env: &TestEnv) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM media_files")
        .fetch_one(&env.admin)
        .await
        .unwrap()
}

fn encoded(image: &image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn photo(width: u32, height: u32) -> image::DynamicImage {
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    }))
}

/// An EXIF block (APP1) saying "turn 90° clockwise" with a GPS block that
/// carries [`GPS_MARKER`], as a phone writes them.
fn exif_app1() -> Vec<u8> {
    let mut tiff = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes()); // IFD0 at 8
    // IFD0: two entries, then the next-IFD offset.
    tiff.extend(2u16.to_le_bytes());
    tiff.extend([0x12, 0x01, 3, 0]); // Orientation, SHORT
    tiff.extend(1u32.to_le_bytes());
    tiff.extend([6, 0, 0, 0]);
    tiff.extend([0x25, 0x88, 4, 0]); // GPS IFD pointer, LONG
    tiff.extend(1u32.to_le_bytes());
    let gps_at = 8 + 2 + 2 * 12 + 4;
    tiff.extend((gps_at as u32).to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    // GPS IFD: the map datum, an ASCII text stored after the IFD.
    tiff.extend(1u16.to_le_bytes());
    tiff.extend([0x12, 0x00, 2, 0]);
    tiff.extend((GPS_MARKER.len() as u32 + 1).to_le_bytes());
    tiff.extend((gps_at as u32 + 2 + 12 + 4).to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(GPS_MARKER);
    tiff.push(0);
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend(((tiff.len() + 8) as u16).to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(tiff);
    app1
}

/// A JPEG photo of `width` × `height` as a phone stores it: sideways, with
/// its orientation and location in EXIF.
fn phone_photo(width: u32, height: u32) -> Vec<u8> {
    let jpeg = encoded(&photo(width, height), image::ImageFormat::Jpeg);
    [&jpeg[..2], &exif_app1(), &jpeg[2..]].concat()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_photo_loses_its_location_stands_upright_and_is_served_in_every_size() {
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    let platform = Platform::start(&env).await;
    let sent = phone_photo(1600, 1200);
    assert!(contains(&sent, GPS_MARKER));

    let (status, body) = upload(&platform, &env, QT, sent, "Ảnh hội nghị.jpg").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let href = body["url"].as_str().unwrap().to_owned();
    let original = get(&platform, QT, &href).await.bytes().await.unwrap();
    assert!(
        !contains(&original, GPS_MARKER),
        "the location left the platform"
    );
    assert!(!contains(&original, b"Exif"), "metadata left the platform");
    let upright = image::load_from_memory(&original).unwrap();
    assert_eq!((upright.width(), upright.height()), (1200, 1600));

    let id = body["id"].as_str().unwrap();
    for (rendition, mime, width) in [
        ("w320.webp", "image/webp", 320),
        ("w640.jpg", "image/jpeg", 640),
        ("w960.webp", "image/webp", 960),
    ] {
        let response = get(&platform, QT, &format!("/tep/{id}/r/{rendition}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{rendition}");
        assert_eq!(response.headers()["content-type"], mime);
        let bytes = response.bytes().await.unwrap();
        assert!(!contains(&bytes, GPS_MARKER));
        let image = image::load_from_memory(&bytes).unwrap();
        let height = (f64::from(width) * 4.0 / 3.0).round() as u32;
        assert_eq!((image.width(), image.height()), (width, height));
    }
    let wider = get(&platform, QT, &format!("/tep/{id}/r/w1280.webp")).await;
    assert_eq!(
        wider.status(),
        StatusCode::NOT_FOUND,
        "no size wider than the photo"
    );

    // In an item's text, the photo comes with its sizes for the browser.
    let mut head = Browser::new(&platform, QT);
    let csrf = head
        .sign_in(
            "tb@quoctuan.vn",
            &password,
            "một câu dài dễ nhớ của trưởng ban",
        )
        .await;
    let (status, to) = head
        .post(
            "/quan-tri/tin-bai/moi",
            &[
                ("csrf", &csrf),
                ("section", "tin-tuc/thong-bao"),
                ("title", "Hội nghị tiếp xúc cử tri"),
                (
                    "body",
                    &format!(r#"<p><img src="{href}" alt="Cử tri dự hội nghị"></p>"#),
                ),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    publish(&mut head, &csrf, &to).await;
    let (_, page) = head
        .get("/tin-tuc/thong-bao/hoi-nghi-tiep-xuc-cu-tri")
        .await;
    assert!(
        page.contains(&format!("/tep/{id}/r/w640.webp 640w"))
            && page.contains(r#"width="1200" height="1600""#),
        "{page}"
    );
    platform.stop().await;
}

/// Uploads one file of the corpus and expects it refused with `code`,
/// leaving nothing in the bucket or the database.
async fn refused(bytes: Vec<u8>, name: &str, status: StatusCode, code: &str, says: &str) {
    let mut env = TestEnv::new().await;
    env.config.max_document_bytes = 64 * 1024;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let platform = Platform::start(&env).await;
    let (got, body) = upload(&platform, &env, QT, bytes, name).await;
    assert_eq!(got, status, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains(says), "{message}");
    assert_eq!(rows(&env).await, 0, "nothing recorded");
    assert_eq!(
        objects_of(&env, "quoctuan").await,
        0,
        "nothing left in the bucket"
    );
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_decompression_bomb_is_refused_from_its_header() {
    // A PNG that claims 30.000 × 30.000 points (900 million) in a few bytes.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(30_000u32.to_be_bytes());
    ihdr.extend(30_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    png.extend(13u32.to_be_bytes());
    png.extend(&ihdr);
    png.extend(crc32fast::hash(&ihdr).to_be_bytes());
    for (kind, data) in [(&b"IDAT"[..], vec![0u8; 64]), (&b"IEND"[..], Vec::new())] {
        let chunk = [kind, &data].concat();
        png.extend((data.len() as u32).to_be_bytes());
        png.extend(&chunk);
        png.extend(crc32fast::hash(&chunk).to_be_bytes());
    }
    refused(
        png,
        "bom.png",
        StatusCode::UNPROCESSABLE_ENTITY,
        "image_too_large",
        "30.000 × 30.000",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_image_is_refused() {
    let jpeg = encoded(&photo(300, 200), image::ImageFormat::Jpeg);
    let half = jpeg[..jpeg.len() / 2].to_vec();
    refused(
        half,
        "anh.jpg",
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_image",
        "hỏng",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_svg_with_a_script_is_refused() {
    let svg =
        br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec();
    refused(
        svg,
        "logo.svg",
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_type",
        "không được chấp nhận",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_named_like_a_pdf_is_refused() {
    let html = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
        .to_vec();
    refused(
        html,
        "Quyết định.pdf",
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_type",
        "Chỉ nhận",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gif_that_is_also_a_script_is_refused() {
    // Valid JavaScript that starts like a GIF: no image behind the header.
    let polyglot = b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00*/=alert(document.domain);//".to_vec();
    refused(
        polyglot,
        "anh.gif",
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_image",
        "hỏng",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_file_is_refused() {
    refused(
        Vec::new(),
        "trong.pdf",
        StatusCode::UNPROCESSABLE_ENTITY,
        "empty_file",
        "Tệp rỗng",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_document_over_its_limit_is_refused() {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend(vec![b'x'; 100 * 1024]);
    refused(
        pdf,
        "dai.pdf",
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        "đối với tài liệu",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_script_after_a_real_image_is_dropped_by_re_encoding() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let platform = Platform::start(&env).await;
    let png = encoded(&photo(64, 48), image::ImageFormat::Png);
    let payload = b"<script>alert(1)</script>";
    let (status, body) = upload(
        &platform,
        &env,
        QT,
        [png, payload.to_vec()].concat(),
        "anh.png",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let served = get(&platform, QT, body["url"].as_str().unwrap()).await;
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    let bytes = served.bytes().await.unwrap();
    assert!(!contains(&bytes, payload));
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn names_keep_their_vietnamese_and_lose_folders_controls_and_reordering() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let platform = Platform::start(&env).await;
    let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n".to_vec();
    for (sent, kept) in [
        ("../../etc/Báo cáo.pdf", "Báo cáo.pdf"),
        ("..\\..\\windows\\Kế hoạch.pdf", "Kế hoạch.pdf"),
        ("hóa đơn\u{202E}fdp.exe", "hóa đơnfdp.exe"),
    ] {
        let (status, body) = upload(&platform, &env, QT, pdf.clone(), sent).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["filename"], kept, "{sent:?}");
        assert_eq!(body["content_type"], "application/pdf");
        let served = get(&platform, QT, body["url"].as_str().unwrap()).await;
        let disposition = served.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(
            !disposition.contains("%E2%80%AE"),
            "no reordering in the name sent back"
        );
    }
    // Control characters cannot even travel in the form's headers: the
    // upload is refused as unreadable, nothing recorded. (Those that reach
    // the name are dropped: the media service's own tests.)
    let before = rows(&env).await;
    let (status, body) = upload(
        &platform,
        &env,
        QT,
        pdf.clone(),
        "Tờ trình\u{7}\u{1b}[31m.pdf",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "bad_form");
    assert_eq!(rows(&env).await, before);
    // A PDF named like a photo is a PDF: the bytes decide.
    let (_, body) = upload(&platform, &env, QT, pdf, "anh.jpg").await;
    assert_eq!(body["content_type"], "application/pdf");
    let keys: Vec<String> = sqlx::query_scalar("SELECT storage_key FROM media_files")
        .fetch_all(&env.admin)
        .await
        .unwrap();
    assert!(
        keys.iter()
            .all(|k| k.starts_with("tenants/") && !k.contains(".."))
    );
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ranges_and_conditional_requests_are_answered_as_http_says() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let platform = Platform::start(&env).await;
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend((0..100_000u32).map(|i| (i % 251) as u8));
    let size = pdf.len();
    let (_, body) = upload(&platform, &env, QT, pdf.clone(), "Báo cáo.pdf").await;
    let href = body["url"].as_str().unwrap().to_owned();
    let http = client(&platform);
    let ranged = |range: &'static str| {
        http.get(url(&platform, QT, &href))
            .header("range", range)
            .send()
    };

    let first = ranged("bytes=0-99").await.unwrap();
    assert_eq!(first.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        first.headers()["content-range"],
        format!("bytes 0-99/{size}").as_str()
    );
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.bytes().await.unwrap().as_ref(), &pdf[..100]);
    let last = ranged("bytes=-10").await.unwrap();
    assert_eq!(last.bytes().await.unwrap().as_ref(), &pdf[size - 10..]);
    let resumed = ranged("bytes=50000-").await.unwrap();
    assert_eq!(
        resumed.headers()["content-length"],
        (size - 50_000).to_string().as_str()
    );
    assert_eq!(resumed.bytes().await.unwrap().as_ref(), &pdf[50_000..]);
    let outside = http
        .get(url(&platform, QT, &href))
        .header("range", format!("bytes={size}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(outside.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        outside.headers()["content-range"],
        format!("bytes */{size}").as_str()
    );

    // A range of another version is answered with the whole file.
    let stale = http
        .get(url(&platform, QT, &href))
        .header("range", "bytes=0-9")
        .header("if-range", "\"another-version\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);
    assert_eq!(stale.bytes().await.unwrap().len(), size);
    let cached = http
        .get(url(&platform, QT, &href))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_commune_cannot_reach_the_first_ones_files_by_any_key() {
    let env = TestEnv::new().await;
    head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    let neighbour_password = head_of(&env, "anhung", "Xã An Hưng", "tb@anhung.vn").await;
    let platform = Platform::start(&env).await;
    let (_, body) = upload(&platform, &env, QT, phone_photo(800, 600), "anh.jpg").await;
    let (id, href) = (body["id"].as_str().unwrap(), body["url"].as_str().unwrap());
    // An encoded way out of the file's folder is refused by the gateway
    // before any service reads it, on either commune's name.
    for host in [AH, QT] {
        let climbing = format!("/tep/{id}/..%2F..%2F{id}");
        assert_eq!(
            get(&platform, host, &climbing).await.status(),
            StatusCode::BAD_REQUEST
        );
    }
    for path in [
        href.to_owned(),
        format!("/tep/{id}/anh.jpg"),
        format!("/tep/{id}/r/w320.webp"),
        format!("/tep/{id}/r/w320.jpg"),
    ] {
        assert_eq!(
            get(&platform, AH, &path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
        assert_ne!(
            get(&platform, QT, &path).await.status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
    let mut neighbour = Browser::new(&platform, AH);
    let csrf = neighbour
        .sign_in(
            "tb@anhung.vn",
            &neighbour_password,
            "một câu dài dễ nhớ của trưởng ban",
        )
        .await;
    let (_, library) = neighbour.get("/quan-tri/tep").await;
    assert!(!library.contains(id));
    let (status, _) = neighbour
        .post(
            &format!("/quan-tri/tep/{id}"),
            &[("csrf", &csrf), ("thao_tac", "xoa")],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(rows(&env).await, 1);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_quota_holds_and_the_library_deletes_only_what_no_item_uses() {
    let env = TestEnv::new().await;
    let password = head_of(&env, "quoctuan", "Xã Quốc Tuấn", "tb@quoctuan.vn").await;
    let platform = Platform::start(&env).await;
    let pdf = |n: usize| [b"%PDF-1.7\n".to_vec(), vec![b'x'; n]].concat();
    sqlx::query("UPDATE tenants SET storage_quota_bytes = 50000 WHERE slug = 'quoctuan'")
        .execute(&env.admin)
        .await
        .unwrap();
    let (status, kept) = upload(&platform, &env, QT, pdf(30_000), "Kế hoạch.pdf").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = upload(&platform, &env, QT, pdf(30_000), "Báo cáo.pdf").await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"]["code"], "quota_exceeded");
    assert_eq!(rows(&env).await, 1);

    let mut head = Browser::new(&platform, QT);
    let csrf = head
        .sign_in(
            "tb@quoctuan.vn",
            &password,
            "một câu dài dễ nhớ của trưởng ban",
        )
        .await;
    let (_, library) = head.get("/quan-tri/tep").await;
    assert!(
        library.contains("Kế hoạch.pdf") && library.contains("(60%)"),
        "{library}"
    );

    // Attached to a document, the file cannot be deleted.
    let id = kept["id"].as_str().unwrap().to_owned();
    let (status, to) = head
        .post(
            "/quan-tri/van-ban/moi",
            &[
                ("csrf", &csrf),
                ("doc_type", "Kế hoạch"),
                ("number_symbol", "12/KH-UBND"),
                ("issuing_body", "UBND xã Quốc Tuấn"),
                ("issued_on", "20/11/2026"),
                ("summary", "Kế hoạch tiêm phòng"),
                ("file", &id),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (status, page) = head
        .post(
            &format!("/quan-tri/tep/{id}"),
            &[("csrf", &csrf), ("thao_tac", "xoa")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("đang được dùng trong 1 tin bài"), "{page}");
    assert_eq!(rows(&env).await, 1);

    // Once the item is gone, the file goes; its bytes leave with the sweep.
    sqlx::query("DELETE FROM items WHERE id = $1::uuid")
        .bind(
            to.trim_start_matches("/quan-tri/tin-bai/")
                .split('?')
                .next()
                .unwrap(),
        )
        .execute(&env.admin)
        .await
        .unwrap();
    let (status, _) = head
        .post(
            &format!("/quan-tri/tep/{id}"),
            &[("csrf", &csrf), ("thao_tac", "xoa")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(rows(&env).await, 0);
    assert_eq!(
        objects_of(&env, "quoctuan").await,
        1,
        "the bytes wait for the sweep"
    );
    let store = congxa_storage::Store::new(&env.config);
    let pool = congxa_db::connect_lazy(&env.config).unwrap();
    let young = congxa_media::orphans::sweep(&pool, &store, congxa_media::orphans::GRACE)
        .await
        .unwrap();
    assert_eq!(young.removed, 0, "an object within its grace period stays");
    let swept = congxa_media::orphans::sweep(&pool, &store, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(swept.removed, 1);
    assert_eq!(objects_of(&env, "quoctuan").await, 0);
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sweep_removes_only_what_no_record_names() {
    let env = TestEnv::new().await;
    env.create_tenant("quoctuan", "Xã Quốc Tuấn").await;
    let old = env.create_tenant("anhung", "Xã An Hưng").await;
    let platform = Platform::start(&env).await;
    let (_, body) = upload(&platform, &env, AH, phone_photo(700, 500), "anh.jpg").await;
    // As a merge leaves it: the record now the other commune's, the bytes
    // still under the old commune's prefix.
    sqlx::raw_sql(
        "BEGIN; SET CONSTRAINTS ALL DEFERRED;
         UPDATE media_files SET tenant_id = (SELECT id FROM tenants WHERE slug = 'quoctuan');
         UPDATE media_renditions SET tenant_id = (SELECT id FROM tenants WHERE slug = 'quoctuan');
         COMMIT;",
    )
    .execute(&env.admin)
    .await
    .unwrap();
    let store = congxa_storage::Store::new(&env.config);
    let stray = format!("tenants/{old}/{}", uuid::Uuid::new_v4());
    store
        .put(
            &stray,
            "application/pdf",
            bytes::Bytes::from_static(b"%PDF-1.7\n"),
        )
        .await
        .unwrap();
    let before = objects_of(&env, "anhung").await;
    let pool = congxa_db::connect_lazy(&env.config).unwrap();
    let swept = congxa_media::orphans::sweep(&pool, &store, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(swept.removed, 1, "only the stray object");
    assert_eq!(objects_of(&env, "anhung").await, before - 1);
    let served = get(&platform, QT, body["url"].as_str().unwrap()).await;
    assert_eq!(
        served.status(),
        StatusCode::OK,
        "the merged commune's photo is still served"
    );
    platform.stop().await;
}
