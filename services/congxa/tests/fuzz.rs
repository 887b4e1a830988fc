//! Hostile requests against the real gateway of a running platform: tens of
//! thousands of generated requests (odd and encoded paths, every spelling
//! of a dot segment, foreign and broken Host headers, forged internal
//! headers, odd methods, bodies that lie about their length), sent as raw
//! bytes so that nothing on the way normalises them. Whatever arrives, the
//! platform answers without a server error, never with an internal route's
//! answer, never with one commune's content on another's name, and is still
//! serving at the end.
//!
//! The sequence is fixed by a seed (`FUZZ_SEED`, printed on failure); each
//! request is made from the seed and its own number, so a failing one can be
//! replayed alone. `FUZZ_REQUESTS` changes how many are sent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::browser::Platform;
use common::workspace::Browser;
use congxa_testing::TestEnv;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tracing_subscriber::layer::SubscriberExt;

const DEFAULT_SEED: u64 = 0x00c0_6a5e_ed01;
const DEFAULT_REQUESTS: usize = 20_000;
const CONCURRENCY: usize = 12;
/// A request left without an answer this long is a fault of its own.
const ANSWER_WAIT: Duration = Duration::from_secs(15);
/// Past this, no new request starts: the run stays bounded on a busy machine.
const TIME_BUDGET: Duration = Duration::from_secs(45);

/// Each commune's mark: in its name (so on every page it serves) and in the
/// name of its head (so on every page of its workspace). No generated
/// request carries either.
const MARK_A: &str = "kyzqa";
const MARK_B: &str = "kyzqb";
const HOST_A: &str = "quoctuan.localhost";
const HOST_B: &str = "anhung.localhost";
const BROWSER_UA: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/// What a generated request's Host (or absolute target) names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Names {
    A,
    B,
    Platform,
    /// Unknown, unreadable or missing.
    Nothing,
    /// Both communes (duplicate Host headers, or a Host and an absolute
    /// target that disagree): either may answer, never both at once.
    Both,
}

/// What the generator draws from: the platform as the test set it up.
struct Corpus {
    port: u16,
    /// Paths that exist: pages, items, files, feeds, the workspace.
    paths_a: Vec<String>,
    paths_b: Vec<String>,
    /// Each commune's files (`/tep/<id>/`): never served on the other's name.
    files_a: Vec<String>,
    files_b: Vec<String>,
    /// The head of A's workspace session cookie.
    session_a: String,
    tenant_b: String,
    today: String,
}

/// One generated request, as bytes, with what the checks need to know.
struct Case {
    number: usize,
    bytes: Vec<u8>,
    names: Names,
    path: String,
    /// The request's body stops short of its declared length and the
    /// client stops sending: any answer, or none, is fine.
    truncated: bool,
}

impl Case {
    /// The request as sent, each line cut short enough to read.
    fn shown(&self) -> String {
        let text = String::from_utf8_lossy(&self.bytes);
        let lines: Vec<String> = text
            .split("\r\n")
            .map(|line| {
                let count = line.chars().count();
                if count > 160 {
                    let kept: String = line.chars().take(160).collect();
                    format!("{kept}…(+{} chars)", count - 160)
                } else {
                    line.to_owned()
                }
            })
            .collect();
        format!("#{} {:?}", self.number, lines.join("\r\n"))
    }
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    *items.choose(rng).unwrap()
}

/// Random text that never spells a commune's mark.
fn junk(rng: &mut StdRng, max: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijlmnoprstuvw0123456789-_.~!$&'()*+,;=:@%/?#[]\\\"<>^`{|} ";
    let len = rng.random_range(0..=max);
    (0..len).map(|_| char::from(pick(rng, ALPHABET))).collect()
}

/// Every spelling of `..` and of the separator a dot segment can hide in.
const DOTS: &[&str] = &[
    "..",
    "%2e%2e",
    "%2E%2E",
    ".%2e",
    "%2e.",
    "%252e%252e",
    "%c0%ae%c0%ae",
    "%e0%80%ae%e0%80%ae",
    "..%00",
    "%2e%2e%00",
    "...",
    ". .",
    "%u002e%u002e",
];
const SEPARATORS: &[&str] = &[
    "/", "%2f", "%2F", "\\", "%5c", "%5C", "//", "/./", "%252f", "/%2e/",
];
/// Where a dot-segment walk starts: every prefix routed to a service.
const STARTS: &[&str] = &[
    "/api/thong-ke/",
    "/api/thong-ke",
    "/api/tep/",
    "/tep/",
    "/tep/x/",
    "/",
    "/tin-tuc/",
    "/quan-tri/",
    "/rss/",
    "/api/v1/bai-viet/",
    "/_console/",
];

fn internal_paths(today: &str) -> Vec<String> {
    vec![
        format!("/internal/salt/{today}"),
        "/internal/salt/2026-01-01".to_owned(),
        "/internal/counter".to_owned(),
        "/internal/views".to_owned(),
        "/internal/".to_owned(),
    ]
}

/// A path that walks up from a routed prefix into an internal route.
fn traversal(rng: &mut StdRng, today: &str) -> String {
    let mut path = pick(rng, STARTS).to_string();
    for _ in 0..rng.random_range(1..=4) {
        if !path.ends_with('/') && !path.ends_with("%2f") {
            path.push_str(pick(rng, SEPARATORS));
        }
        path.push_str(pick(rng, DOTS));
        path.push_str(pick(rng, SEPARATORS));
    }
    let target = internal_paths(today).choose(rng).unwrap().clone();
    let target = target.trim_start_matches('/');
    if rng.random_bool(0.3) {
        // The separators inside the target spelled oddly too.
        let separator = pick(rng, SEPARATORS);
        path.push_str(&target.replace('/', separator));
    } else {
        path.push_str(target);
    }
    path
}

fn mangle(rng: &mut StdRng, path: &str) -> String {
    let mut path = path.to_owned();
    match rng.random_range(0..14) {
        0 => path.push_str(&format!("/{}", junk(rng, 40))),
        1 => path.push_str(pick(
            rng,
            &[
                "%00",
                "%ff",
                "%c0%af",
                "%e0%80%af",
                "%",
                "%zz",
                "%%",
                "%2",
                "\u{0}",
            ],
        )),
        2 => path.push_str(&"a".repeat(rng.random_range(256..16_000))),
        3 => path.push_str(&format!("?{}", junk(rng, 200))),
        4 => path.push_str(pick(
            rng,
            &[
                "?trang=-1",
                "?trang=99999999999999999999999",
                "?page=0",
                "?q=%00",
                "?q=%ff%fe",
                "?nam=-2147483649",
                "?tu=9999-99-99&den=0000-00-00",
                "?sort=;DROP TABLE items",
                "?trang=1&trang=2",
                "?%ff=%ff",
            ],
        )),
        5 => path = path.replace('/', pick(rng, &["//", "/./", "%2f", "\\"])),
        6 => path = path.to_uppercase(),
        7 => path.push_str(pick(
            rng,
            &[
                "/",
                "//",
                "/.",
                "/..",
                "#frag",
                ".json",
                ".xml",
                "~",
                ";jsessionid=1",
            ],
        )),
        8 => path = format!("/{}{path}", pick(rng, &["..", "%2e%2e", ".", "%2e"])),
        9 => path.push_str("/tin-tức/đặt-câu-hỏi"),
        10 => path.push_str("/\u{FEFF}\u{202E}"),
        11 => {
            // Bytes that are not UTF-8 at all, raw on the wire.
            path.push_str("/\u{FFFD}");
        }
        12 => path = path.replace('-', "%2d"),
        _ => {}
    }
    path
}

fn host_for(rng: &mut StdRng, names: Names, port: u16) -> String {
    let base = match names {
        Names::A => HOST_A,
        Names::B => HOST_B,
        Names::Platform => "localhost",
        Names::Nothing | Names::Both => unreachable!("chosen elsewhere"),
    };
    match rng.random_range(0..8) {
        0 => base.to_uppercase(),
        1 => format!("{base}."),
        2 => format!("{base}:{port}"),
        3 => format!("{}.:{port}", base.to_uppercase()),
        4 => format!("{base}:80"),
        5 => format!("{base}:99999"),
        _ => base.to_owned(),
    }
}

fn nothing_host(rng: &mut StdRng) -> Option<String> {
    let hosts: [&str; 27] = [
        "",
        "127.0.0.1",
        "127.0.0.1:8080",
        "[::1]",
        "[::1]:80",
        "2130706433",
        "0x7f.1",
        "xn--quctun-td8bxn.localhost",
        "xn--.localhost",
        "xn--zz.localhost",
        "Quốctuấn.localhost",
        "a..b",
        "quoctuan..localhost",
        "quoctuan.localhost:http",
        "quoctuan.localhost@anhung.localhost",
        "quoctuan.localhost/../",
        "quoctuan.localhost:80:80",
        "chua-co.localhost",
        "a.quoctuan.localhost",
        "evil.example",
        "localhost.evil.example",
        "-quoctuan.localhost",
        "quoctuan_.localhost",
        "%71uoctuan.localhost",
        ".",
        ":",
        "*",
    ];
    match rng.random_range(0..10) {
        0 => None,
        1 => Some("x".repeat(rng.random_range(64..2_000))),
        2 => Some(format!("{}.localhost", "a".repeat(64))),
        3 => Some(junk(rng, 30)),
        _ => Some(pick(rng, &hosts).to_string()),
    }
}

/// The ways into an internal route known from reviews, sent first, as
/// they are, before anything generated.
fn known_holes(today: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for target in internal_paths(today) {
        let target = target.trim_start_matches('/');
        for walk in [
            "/api/thong-ke/../../",
            "/api/thong-ke/%2e%2e/%2e%2e/",
            "/api/thong-ke/%2E%2E/%2E%2E/",
            "/api/thong-ke/.%2e/%2e./",
            "/api/thong-ke/..%5c..%5c",
            "/api/thong-ke\\..\\..\\",
            "/api/thong-ke/%252e%252e/%252e%252e/",
            "/api/thong-ke/..%2f..%2f",
            "/api/tep/../../",
            "/tep/x/../../",
            "//",
            "/./",
            "/tin-tuc/../",
        ] {
            paths.push(format!("{walk}{target}"));
        }
    }
    paths
}

fn generate(seed: u64, number: usize, corpus: &Corpus) -> Case {
    if let Some(path) = known_holes(&corpus.today).get(number) {
        let bytes = format!(
            "GET {path} HTTP/1.1\r\nHost: {HOST_A}\r\nUser-Agent: {BROWSER_UA}\r\nConnection: close\r\n\r\n"
        )
        .into_bytes();
        return Case {
            number,
            bytes,
            names: Names::A,
            path: path.clone(),
            truncated: false,
        };
    }
    let mut rng = StdRng::seed_from_u64(seed ^ (number as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let names = match rng.random_range(0..20) {
        0..=7 => Names::A,
        8..=13 => Names::B,
        14..=15 => Names::Platform,
        16..=18 => Names::Nothing,
        _ => Names::Both,
    };

    // The path: a known one (of either commune, whatever the host), a walk
    // into an internal route, or an internal route itself; often mangled.
    let all: Vec<&String> = corpus.paths_a.iter().chain(&corpus.paths_b).collect();
    let mut path = match rng.random_range(0..10) {
        0..=3 => pick(&mut rng, &all).to_string(),
        4..=6 => traversal(&mut rng, &corpus.today),
        7 => internal_paths(&corpus.today)
            .choose(&mut rng)
            .unwrap()
            .clone(),
        8 => format!("/{}", junk(&mut rng, 60)),
        _ => pick(
            &mut rng,
            &[
                "*",
                "",
                "//",
                "http://anhung.localhost/",
                "/%",
                "/?",
                "/#",
                "/..",
                "/.",
                ".",
                "..",
                "/internal/salt/../counter",
            ],
        )
        .to_string(),
    };
    if rng.random_bool(0.5) {
        path = mangle(&mut rng, &path);
    }

    let method = match rng.random_range(0..20) {
        0..=8 => "GET",
        9..=10 => "HEAD",
        11..=13 => "POST",
        14 => "PUT",
        15 => "DELETE",
        16 => "OPTIONS",
        17 => "PATCH",
        18 => "TRACE",
        _ => pick(
            &mut rng,
            &[
                "get", "PROPFIND", "BREW", "X-JUNK", "CONNECT", "GET /", "G\u{0}T", "ÿÿ",
            ],
        ),
    };

    let mut head: Vec<String> = Vec::new();
    let mut names = names;
    match names {
        Names::A | Names::B | Names::Platform => {
            head.push(format!("Host: {}", host_for(&mut rng, names, corpus.port)));
        }
        Names::Nothing => {
            if let Some(host) = nothing_host(&mut rng) {
                head.push(format!("Host: {host}"));
            }
        }
        Names::Both => {
            let (first, second) = if rng.random_bool(0.5) {
                (HOST_A, HOST_B)
            } else {
                (HOST_B, HOST_A)
            };
            head.push(format!("Host: {first}"));
            if rng.random_bool(0.5) {
                head.push(format!("Host: {second}"));
            } else {
                head.push(format!("HOST: {second}:{}", corpus.port));
            }
        }
    }
    // An absolute target names a host of its own.
    let mut target = path.clone();
    if rng.random_bool(0.05) && target.starts_with('/') {
        let (host, own) = pick(
            &mut rng,
            &[
                (HOST_A, Names::A),
                (HOST_B, Names::B),
                ("localhost", Names::Platform),
                ("127.0.0.1", Names::Nothing),
            ],
        );
        target = format!("http://{host}:{}{path}", corpus.port);
        if own != names {
            names = Names::Both;
        }
    }
    // An absolute target (mangled into any case) names its own host.
    if let Some(rest) = target.to_ascii_lowercase().strip_prefix("http://") {
        let own = if rest.starts_with("anhung.") {
            Names::B
        } else if rest.starts_with("quoctuan.") {
            Names::A
        } else {
            Names::Nothing
        };
        if own != names && own != Names::Nothing {
            names = Names::Both;
        }
    }
    if path.contains(MARK_A) || path.contains(MARK_B) {
        // Never: the marks must come from the platform only.
        path.clear();
        target = "/".to_owned();
    }

    match rng.random_range(0..4) {
        0 => head.push(format!("User-Agent: {BROWSER_UA}")),
        1 => head.push("User-Agent: Googlebot/2.1 (+http://www.google.com/bot.html)".to_owned()),
        2 => head.push(format!(
            "User-Agent: {}",
            "Mozilla/5.0 ".repeat(rng.random_range(1..400))
        )),
        _ => {}
    }
    if rng.random_bool(0.25) {
        head.push(format!("Cookie: congxa_quan_tri={}", corpus.session_a));
    }
    for _ in 0..rng.random_range(0..4) {
        let header = match rng.random_range(0..16) {
            0 => format!("Cookie: {}", "a=b; ".repeat(rng.random_range(100..3_000))),
            1 => format!(
                "Cookie: congxa_quan_tri={}",
                junk(&mut rng, 80).replace(['\r', '\n'], "")
            ),
            2 => format!("x-congxa-tenant-id: {}", corpus.tenant_b),
            3 => "x-congxa-tenant-slug: anhung".to_owned(),
            4 => format!("X-Congxa-Internal-Token: {}", junk(&mut rng, 40)),
            5 => "x-congxa-console: 1".to_owned(),
            6 => "x-congxa-visits-offset: 9999999".to_owned(),
            7 => format!(
                "X-Forwarded-Proto: {}",
                pick(
                    &mut rng,
                    &["https", "http", "javascript", "", "https, http"]
                )
            ),
            8 => format!(
                "X-Forwarded-For: {}",
                pick(
                    &mut rng,
                    &[
                        "1.2.3.4",
                        "::1",
                        "1.2.3.4, 5.6.7.8",
                        "garbage",
                        "999.999.999.999",
                        "",
                        "127.0.0.1"
                    ]
                )
            ),
            9 => format!("X-Forwarded-Host: {HOST_B}"),
            10 => format!("Referer: {}", junk(&mut rng, 300)),
            11 => format!(
                "Range: bytes={}",
                pick(
                    &mut rng,
                    &[
                        "0-0",
                        "-1",
                        "5-2",
                        "0-99999999999999999999",
                        "x",
                        "0-1,2-3,4-5"
                    ]
                )
            ),
            12 => format!(
                "If-None-Match: {}",
                pick(&mut rng, &["*", "\"x\"", "W/\"\"", "garbage"])
            ),
            13 => format!(
                "Accept: {}",
                pick(
                    &mut rng,
                    &["application/json", "text/html", "*/*", "x/y;q=x", ""]
                )
            ),
            14 => (0..rng.random_range(20..120))
                .map(|n| format!("X-Repeat: {n}"))
                .collect::<Vec<_>>()
                .join("\r\n"),
            _ => format!(
                "X-{}: {}",
                "a".repeat(rng.random_range(1..200)),
                "b".repeat(rng.random_range(0..9_000))
            ),
        };
        head.push(header);
    }

    // The body, honest or not.
    let mut body: Vec<u8> = Vec::new();
    let mut truncated = false;
    match rng.random_range(0..12) {
        0..=5 => {}
        6 => {
            let n = rng.random_range(0..4_000);
            body = (0..n).map(|_| rng.random::<u8>()).collect();
            head.push(format!("Content-Length: {}", body.len()));
        }
        7 => {
            body = format!(
                "csrf=x&title={}&body=%3Cscript%3E",
                junk(&mut rng, 100).replace('&', "")
            )
            .into_bytes();
            head.push("Content-Type: application/x-www-form-urlencoded".to_owned());
            head.push(format!("Content-Length: {}", body.len()));
        }
        8 => head.push(format!(
            "Content-Length: {}",
            pick(
                &mut rng,
                &[
                    "99999999999999",
                    "18446744073709551616",
                    "-1",
                    "1, 2",
                    "abc",
                    "0x10"
                ]
            )
        )),
        9 => {
            head.push("Transfer-Encoding: chunked".to_owned());
            body = match rng.random_range(0..4) {
                0 => b"5\r\nhello\r\n0\r\n\r\n".to_vec(),
                1 => b"zz\r\nhello\r\n0\r\n\r\n".to_vec(),
                2 => b"ffffffffffffffffff\r\nx\r\n".to_vec(),
                _ => b"3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n".to_vec(),
            };
        }
        10 => {
            // Smuggling: both framings at once.
            head.push("Content-Length: 4".to_owned());
            head.push("Transfer-Encoding: chunked".to_owned());
            body = b"0\r\n\r\nGET /internal/counter HTTP/1.1\r\nHost: quoctuan.localhost\r\n\r\n"
                .to_vec();
        }
        _ => {
            let declared = rng.random_range(10..100_000);
            head.push(format!("Content-Length: {declared}"));
            body = vec![b'x'; rng.random_range(0..10)];
            truncated = true;
        }
    }
    head.push("Connection: close".to_owned());

    let mut bytes = format!("{method} {target} HTTP/1.1\r\n").into_bytes();
    for line in head {
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"\r\n");
    bytes.extend_from_slice(&body);
    if path.ends_with('\u{FFFD}') {
        // Replace the marker character by raw bytes that are not UTF-8.
        let text = String::from_utf8_lossy(&bytes).into_owned();
        bytes = text.replacen('\u{FFFD}', "\u{1}", 1).into_bytes();
        if let Some(at) = bytes.iter().position(|b| *b == 1) {
            bytes.splice(at..=at, [0xff, 0xc0, 0xae]);
        }
    }
    Case {
        number,
        bytes,
        names,
        path,
        truncated,
    }
}

/// What came back: the status (None when the connection closed without an
/// answer) and the head and body as text.
struct Answer {
    status: Option<u16>,
    head: String,
    body: String,
    /// No answer, and the connection still open, after `ANSWER_WAIT`.
    hung: bool,
}

async fn send(gateway: SocketAddr, case: &Case) -> Answer {
    let mut raw = Vec::new();
    let exchange = tokio::time::timeout(ANSWER_WAIT, async {
        let mut stream = tokio::net::TcpStream::connect(gateway).await.unwrap();
        // The server may close before reading everything (a refused head):
        // a failed write is not the test's failure, the answer is what counts.
        let _ = stream.write_all(&case.bytes).await;
        if case.truncated {
            let _ = stream.shutdown().await;
        }
        let mut chunk = vec![0; 64 * 1024];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => raw.extend_from_slice(&chunk[..n]),
            }
            if raw.len() > 8 * 1024 * 1024 {
                break;
            }
        }
    })
    .await;
    if exchange.is_err() && !case.truncated {
        return Answer {
            status: None,
            head: String::new(),
            body: String::new(),
            hung: true,
        };
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok());
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Answer {
        status,
        head: head.to_owned(),
        body,
        hung: false,
    }
}

/// A chunked body's data (as far as it is whole).
fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
        else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(rest.get(..size).unwrap_or(""));
        body = rest.get(size..).unwrap_or("").trim_start_matches("\r\n");
    }
    out
}

/// An internal route's answer: the day's salt, a batch's count, or the
/// exact counter (the public one never shows 1 to 9).
fn internal_answer(body: &str) -> Option<&'static str> {
    let value: serde_json::Value = serde_json::from_str(body.trim()).ok()?;
    let object = value.as_object()?;
    if object.contains_key("salt") {
        return Some("the day's salt");
    }
    if object.contains_key("counted") {
        return Some("a batch of views counted");
    }
    let small = |key: &str| {
        object
            .get(key)
            .and_then(serde_json::Value::as_u64)
            .is_some_and(|n| (1..10).contains(&n))
    };
    ["total", "today", "month", "online"]
        .into_iter()
        .any(small)
        .then_some("the exact counter")
}

/// The shape of a visit counter's answer, public or exact: outside the
/// public counter's own address, only an internal route answers so.
fn counter_shaped(body: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(body.trim())
        .ok()
        .and_then(|value| value.as_object().cloned())
        .is_some_and(|object| {
            ["total", "today", "month", "online"]
                .iter()
                .all(|k| object.contains_key(*k))
        })
}

/// What is wrong with an answer, if anything.
fn fault(case: &Case, answer: &Answer, corpus: &Corpus) -> Option<String> {
    if answer.hung {
        return Some(format!("no answer within {ANSWER_WAIT:?}"));
    }
    let Some(status) = answer.status else {
        // A refused request may be closed without an answer only by the
        // HTTP layer; a request that was whole and readable gets one.
        return None;
    };
    if status >= 500 {
        return Some(format!("answered {status}"));
    }
    let public_counter = {
        let path = case.path.to_ascii_lowercase();
        let path = path.strip_prefix("http://").map_or(path.as_str(), |rest| {
            rest.find('/').map_or("", |at| &rest[at..])
        });
        path == "/api/thong-ke" || path.starts_with("/api/thong-ke?")
    };
    if !public_counter && counter_shaped(&answer.body) {
        return Some(format!(
            "answered with a counter on another path: {}",
            clip(&answer.body)
        ));
    }
    if let Some(what) = internal_answer(&answer.body) {
        return Some(format!("answered with {what}: {}", clip(&answer.body)));
    }
    let everything = format!("{}\n{}", answer.head, answer.body).to_lowercase();
    let (a, b) = (everything.contains(MARK_A), everything.contains(MARK_B));
    let crossed = match case.names {
        Names::A => b,
        Names::B => a,
        Names::Platform | Names::Nothing => a || b,
        Names::Both => a && b,
    };
    if crossed {
        return Some(format!(
            "a page carrying another commune's content (A: {a}, B: {b}) for {:?}: {}",
            case.names,
            clip(&answer.body)
        ));
    }
    let foreign_file = match case.names {
        Names::A => &corpus.files_b,
        Names::B => &corpus.files_a,
        _ => &Vec::new(),
    };
    if (200..300).contains(&status)
        && foreign_file
            .iter()
            .any(|file| case.path.starts_with(file.as_str()))
    {
        return Some(format!("another commune's file served ({status})"));
    }
    None
}

fn clip(text: &str) -> String {
    text.chars().take(300).collect()
}

/// Counts the panics and error events of the platform running in this
/// process: both mean the platform met something it did not expect.
#[derive(Default, Clone)]
struct Trouble {
    panics: Arc<Mutex<Vec<String>>>,
    errors: Arc<Mutex<Vec<String>>>,
}

struct ErrorEvents(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ErrorEvents {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if *event.metadata().level() == tracing::Level::ERROR {
            struct Text(String);
            impl tracing::field::Visit for Text {
                fn record_debug(
                    &mut self,
                    field: &tracing::field::Field,
                    value: &dyn std::fmt::Debug,
                ) {
                    self.0.push_str(&format!("{}={value:?} ", field.name()));
                }
            }
            let mut text = Text(format!("{}: ", event.metadata().target()));
            event.record(&mut text);
            self.0.lock().unwrap().push(text.0);
        }
    }
}

impl Trouble {
    fn watch() -> Self {
        let trouble = Self::default();
        let panics = trouble.panics.clone();
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            panics.lock().unwrap().push(info.to_string());
            previous(info);
        }));
        let subscriber = tracing_subscriber::registry().with(ErrorEvents(trouble.errors.clone()));
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other subscriber in this test");
        trouble
    }
}

/// Two communes with content, files and a signed-in head; what the
/// generator draws from.
async fn set_up(env: &TestEnv, platform: &Platform) -> Corpus {
    let a = common::demo_commune(env, "quoctuan", &format!("Xã Quốc Tuấn {MARK_A}")).await;
    let b = common::demo_commune(env, "anhung", &format!("Xã An Hưng {MARK_B}")).await;
    let head = common::congxa(
        env,
        &[
            "user",
            "create",
            "--tenant",
            "quoctuan",
            "--email",
            "tb@quoctuan.vn",
            "--name",
            &format!("Trưởng ban {MARK_A}"),
            "--role",
            "head",
            "--json",
        ],
    )
    .await;
    let one_time = head.json()["one_time_password"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut board = Browser::new(platform, HOST_A);
    board
        .sign_in(
            "tb@quoctuan.vn",
            &one_time,
            "câu mật khẩu rất dài của trưởng ban",
        )
        .await;
    let session_a = board.cookies["congxa_quan_tri"].clone();

    let mut files = BTreeMap::new();
    for (host, name) in [(HOST_A, "anh.png"), (HOST_B, "anh.png")] {
        let (status, uploaded) =
            common::upload(platform, env, host, common::png(20, 10), name).await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{uploaded}");
        files.insert(host, uploaded["url"].as_str().unwrap().to_owned());
    }
    let paths = |tenant: uuid::Uuid| async move {
        sqlx::query_scalar::<_, String>(
            "SELECT '/' || s.path || '/' || i.slug FROM items i JOIN sections s ON s.id = i.section_id
             WHERE i.tenant_id = $1 AND i.status = 'published' ORDER BY i.published_at DESC LIMIT 25",
        )
        .bind(tenant)
        .fetch_all(&env.admin)
        .await
        .unwrap()
    };
    let common_paths = [
        "/",
        "/tin-tuc",
        "/tin-tuc/kinh-te-xa-hoi",
        "/tim-kiem?q=x%C3%A3",
        "/hoi-dap",
        "/hoi-dap/dat-cau-hoi",
        "/hoi-dap/tra-cuu",
        "/rss",
        "/rss/tin-tuc",
        "/sitemap.xml",
        "/so-do-trang",
        "/api/openapi.json",
        "/api/v1/bai-viet",
        "/api/v1/van-ban",
        "/api/v1/thu-tuc",
        "/api/thong-ke",
        "/api/tep",
        "/api/tep/x",
        "/giao-dien/hien-thi.js",
        "/quan-tri",
        "/quan-tri/dang-nhap",
        "/quan-tri/tin-bai",
        "/quan-tri/tin-bai/moi",
        "/quan-tri/nhat-ky",
        "/quan-tri/thong-ke",
        "/quan-tri/cai-dat",
        "/_console",
        "/_console/dang-nhap",
        "/healthz",
        "/readyz",
        "/robots.txt",
        "/favicon.ico",
        "/danh-gia/x",
        "/gop-y/x",
        "/api/v1/bai-viet/x",
        "/api/v1/van-ban/x",
        "/api/v1/thu-tuc/x",
        "/rss/tin-tuc/thong-bao",
    ];
    let file_prefix = |url: &str| {
        url.rsplit_once('/')
            .map(|(dir, _)| format!("{dir}/"))
            .unwrap()
    };
    let mut paths_a: Vec<String> = common_paths.iter().map(|p| (*p).to_owned()).collect();
    let mut paths_b = paths_a.clone();
    paths_a.extend(paths(a).await);
    paths_b.extend(paths(b).await);
    paths_a.push(files[HOST_A].clone());
    paths_a.push(format!("{}r/nho", file_prefix(&files[HOST_A])));
    paths_b.push(files[HOST_B].clone());
    let today = time::OffsetDateTime::now_utc()
        .to_offset(time::macros::offset!(+7))
        .date()
        .to_string();
    Corpus {
        port: platform.port,
        paths_a,
        paths_b,
        files_a: vec![file_prefix(&files[HOST_A])],
        files_b: vec![file_prefix(&files[HOST_B])],
        session_a,
        tenant_b: b.to_string(),
        today,
    }
}

/// Views a commune's home as a browser until its public counter shows a
/// small figure ("< 10"), so that the exact counter, were it ever
/// answered, would show a figure the public one never does.
async fn count_a_visit(platform: &Platform, host: &'static str) {
    let mut visitor = Browser::new(platform, host);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        visitor
            .http
            .get(format!("http://{host}:{}/", platform.port))
            .header("user-agent", BROWSER_UA)
            .send()
            .await
            .unwrap();
        let (_, counter) = visitor.get("/api/thong-ke").await;
        if counter.contains("< 10") {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no visit counted on {host}: {counter}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tens_of_thousands_of_hostile_requests_find_no_server_error_no_internal_route_and_no_other_commune()
 {
    let trouble = Trouble::watch();
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let requests = std::env::var("FUZZ_REQUESTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_REQUESTS);
    let env = TestEnv::new().await;
    let platform = Platform::start(&env).await;
    let corpus = Arc::new(set_up(&env, &platform).await);
    eprintln!("fuzz: two communes ready");
    count_a_visit(&platform, HOST_A).await;
    count_a_visit(&platform, HOST_B).await;
    eprintln!("fuzz: visits counted; {requests} requests from seed {seed}");
    let gateway = SocketAddr::from(([127, 0, 0, 1], platform.port));

    // What setting up logged is not the fuzzer's to judge.
    trouble.errors.lock().unwrap().clear();
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let faults: Arc<Mutex<Vec<String>>> = Arc::default();
    let statuses: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (next, faults, statuses, corpus) = (
                next.clone(),
                faults.clone(),
                statuses.clone(),
                corpus.clone(),
            );
            tokio::spawn(async move {
                loop {
                    let number = next.fetch_add(1, Ordering::Relaxed);
                    if number >= requests || started.elapsed() > TIME_BUDGET {
                        break;
                    }
                    let case = generate(seed, number, &corpus);
                    let answer = send(gateway, &case).await;
                    let status = answer.status.map_or("none".to_owned(), |s| s.to_string());
                    *statuses.lock().unwrap().entry(status).or_default() += 1;
                    if let Some(what) = fault(&case, &answer, &corpus) {
                        faults
                            .lock()
                            .unwrap()
                            .push(format!("{what}\n    request {}", case.shown()));
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    let sent = next.load(Ordering::Relaxed).min(requests);
    let took = started.elapsed();

    // Still serving, both communes, each its own.
    let mut check = Browser::new(&platform, HOST_A);
    let (status, home) = check.get("/").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(home.to_lowercase().contains(MARK_A));
    platform.stop().await;

    // Copies: the panic hook takes these locks when an assertion fails.
    let faults = faults.lock().unwrap().clone();
    let panics = trouble.panics.lock().unwrap().clone();
    let errors = trouble.errors.lock().unwrap().clone();
    println!(
        "seed {seed}: {sent} requests in {took:.1?}; answers by status: {:?}",
        statuses.lock().unwrap()
    );
    // Each kind of fault with a few of its requests, to replay alone.
    let mut kinds: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for fault in &faults {
        let kind = fault.split([':', '\n']).next().unwrap_or("").to_owned();
        kinds.entry(kind).or_default().push(fault);
    }
    let report: String = kinds
        .iter()
        .map(|(kind, all)| {
            let examples: Vec<&str> = all.iter().take(3).map(|f| f.as_str()).collect();
            format!(
                "== {kind} ({} answers)\n{}\n",
                all.len(),
                examples.join("\n")
            )
        })
        .collect();
    assert!(
        faults.is_empty() && panics.is_empty() && errors.is_empty(),
        "FUZZ_SEED={seed}: {} faulty answers, {} panics, {} errors logged\n{report}\npanics:\n{}\nerrors:\n{}",
        faults.len(),
        panics.len(),
        errors.len(),
        panics
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
        errors
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
    );
    assert!(
        sent >= requests.min(5_000),
        "only {sent} requests within {TIME_BUDGET:?}"
    );
}
