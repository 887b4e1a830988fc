//! A person in the board's workspace, as the tests drive it over HTTP:
//! their own cookies, forms posted by hand, the sign-in with its forced
//! password change.

use std::collections::BTreeMap;

use reqwest::StatusCode;

use congxa_testing::TestEnv;

use super::browser::Platform;

/// A browser of the workspace: its own cookies, following nothing.
pub struct Browser {
    pub http: reqwest::Client,
    pub port: u16,
    pub host: &'static str,
    pub cookies: BTreeMap<String, String>,
}

impl Browser {
    pub fn new(platform: &Platform, host: &'static str) -> Self {
        let gateway = std::net::SocketAddr::from(([127, 0, 0, 1], platform.port));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .resolve(host, gateway)
            .build()
            .unwrap();
        Self {
            http,
            port: platform.port,
            host,
            cookies: BTreeMap::new(),
        }
    }

    fn keep(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn get(&mut self, path: &str) -> (StatusCode, String) {
        let response = self.answer(path).await;
        self.keep(&response);
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    /// The whole answer to a GET with this session (headers, bytes).
    pub async fn answer(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("http://{}:{}{path}", self.host, self.port))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap()
    }

    /// Posts a form; returns the status and where it leads (or the page).
    pub async fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> (StatusCode, String) {
        let mut body = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            body.append_pair(k, v);
        }
        let response = self
            .http
            .post(format!("http://{}:{}{path}", self.host, self.port))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.finish())
            .send()
            .await
            .unwrap();
        self.keep(&response);
        let status = response.status();
        match response.headers().get("location") {
            Some(to) => (status, to.to_str().unwrap().to_owned()),
            None => (status, response.text().await.unwrap()),
        }
    }

    /// Signs in, replacing a one-time password with `new` when asked to.
    pub async fn sign_in(&mut self, email: &str, password: &str, new: &str) -> String {
        let (_, form) = self.get("/quan-tri/dang-nhap").await;
        let csrf = field(&form, "csrf");
        let (status, to) = self
            .post(
                "/quan-tri/dang-nhap",
                &[("csrf", &csrf), ("email", email), ("password", password)],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
        if to == "/quan-tri/mat-khau" {
            let (_, page) = self.get("/quan-tri/mat-khau").await;
            let csrf = field(&page, "csrf");
            let (status, page) = self
                .post(
                    "/quan-tri/mat-khau",
                    &[("csrf", &csrf), ("current", password), ("new", new)],
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert!(page.contains("Đã đổi mật khẩu."));
        }
        let (status, page) = self.get("/quan-tri").await;
        assert_eq!(status, StatusCode::OK);
        field(&page, "csrf")
    }
}

/// A browser signed in as a commune's head (`tb@<slug>.vn` with its
/// one-time password, replaced on the way) on `host`.
pub async fn signed_in_head(platform: &Platform, host: &'static str, password: &str) -> Browser {
    let email = format!("tb@{}.vn", host.split('.').next().unwrap_or_default());
    let mut head = Browser::new(platform, host);
    head.sign_in(&email, password, "câu mật khẩu mới của trưởng ban")
        .await;
    head
}

pub fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// Provisions a commune with its head; returns the head's one-time
/// password.
pub async fn head_of(env: &TestEnv, slug: &str, name: &str, email: &str) -> String {
    let created = super::create_tenant(
        env,
        slug,
        name,
        &[
            "--admin-email",
            email,
            "--admin-name",
            "Lê Thị Thu Hà",
            "--json",
        ],
    )
    .await;
    created.assert_ok();
    created.json()["head"]["one_time_password"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Publishes the item a form just made (its workspace page is `created`);
/// returns the item's id.
pub async fn publish(head: &mut Browser, csrf: &str, created: &str) -> String {
    let id = created
        .trim_start_matches("/quan-tri/tin-bai/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let (status, _) = head
        .post(
            &format!("/quan-tri/tin-bai/{id}/thao-tac"),
            &[("csrf", csrf), ("action", "publish")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    id
}

/// An item's address on the public site.
pub async fn public_path(env: &TestEnv, id: &str) -> String {
    sqlx::query_scalar(
        "SELECT '/' || s.path || '/' || i.slug FROM items i JOIN sections s ON s.id = i.section_id WHERE i.id = $1::uuid",
    )
    .bind(id)
    .fetch_one(&env.admin)
    .await
    .unwrap()
}

/// Posts a form with owned values.
pub async fn post_form(
    browser: &mut Browser,
    path: &str,
    pairs: &[(&str, String)],
) -> (StatusCode, String) {
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post(path, &refs).await
}
