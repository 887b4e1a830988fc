//! Running the real `congxa` binary against a test's own database, and the
//! communes and regions the operators' command tests start from; the
//! real-browser tests' harness is in `browser`.

// Each test file uses only some of these.
#![allow(dead_code)]

pub mod browser;
pub mod workspace;

use congxa_testing::TestEnv;
use serde_json::Value;

/// What one run of the binary left behind.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The whole of stdout as one JSON document (fails on anything more).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", self.stdout))
    }

    pub fn assert_ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    /// Refused input: exit code 2, the Vietnamese message on stderr and, as
    /// `--json` was given, the error code on stdout.
    pub fn assert_refused(&self, code: &str) -> &Self {
        assert_eq!(
            self.code, 2,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert!(self.stderr.starts_with("congxa: "), "{}", self.stderr);
        let error = &self.json()["error"];
        assert_eq!(error["code"], code, "{}", self.stdout);
        assert_eq!(
            format!("congxa: {}", error["message"].as_str().unwrap()),
            self.stderr.trim_end()
        );
        self
    }
}

pub async fn congxa(env: &TestEnv, args: &[&str]) -> Run {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_congxa"))
        .args(args)
        .env("DATABASE_URL", &env.config.database_url)
        .env("CONGXA_ADMIN_DATABASE_URL", &env.config.admin_database_url)
        .env("CONGXA_PLATFORM_DOMAIN", "localhost")
        .env("CONGXA_S3_BUCKET", &env.config.s3_bucket)
        .env("REDIS_URL", &env.config.redis_url)
        .env("CONGXA_REDIS_PREFIX", &env.config.redis_prefix)
        .env("USER", "tester")
        .output()
        .await
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// `congxa tenant create --slug <slug> --name <name>`, then `extra`.
pub async fn create_tenant(env: &TestEnv, slug: &str, name: &str, extra: &[&str]) -> Run {
    let args = ["tenant", "create", "--slug", slug, "--name", name];
    congxa(env, &[&args[..], extra].concat()).await
}

/// Xã Quốc Tuấn, the commune most tests start from, with its own domain if
/// given.
pub async fn create_quoctuan(env: &TestEnv, domain: Option<&str>) {
    let extra = domain.map_or_else(Vec::new, |domain| vec!["--domain", domain]);
    create_tenant(env, "quoctuan", "Xã Quốc Tuấn", &extra)
        .await
        .assert_ok();
}

/// `congxa region create --code <code> --name <name>`, then `extra`.
pub async fn create_region(env: &TestEnv, code: &str, name: &str, extra: &[&str]) -> Run {
    let args = ["region", "create", "--code", code, "--name", name];
    congxa(env, &[&args[..], extra].concat()).await
}

/// Thành phố Hải Phòng and its former district Vĩnh Bảo.
pub async fn province_with_district(env: &TestEnv) {
    create_region(env, "haiphong", "Thành phố Hải Phòng", &[])
        .await
        .assert_ok();
    create_region(
        env,
        "haiphong-vinhbao",
        "Huyện Vĩnh Bảo (cũ)",
        &["--parent", "haiphong"],
    )
    .await
    .assert_ok();
}

pub async fn count(env: &TestEnv, sql: &'static str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&env.admin)
        .await
        .unwrap()
}

pub async fn audit_entries(env: &TestEnv) -> i64 {
    count(env, "SELECT count(*) FROM operator_audit").await
}

/// The actions in the audit log, oldest first.
pub async fn audit_actions(env: &TestEnv) -> Vec<String> {
    sqlx::query_scalar::<_, String>("SELECT action FROM operator_audit ORDER BY id")
        .fetch_all(&env.admin)
        .await
        .unwrap()
}

/// A commune provisioned as operators do (its required sections) and filled
/// with the demo content and files, as `make run` shows it.
pub async fn demo_commune(env: &TestEnv, slug: &str, name: &str) -> uuid::Uuid {
    use congxa_tenancy::audit::Actor;
    use congxa_tenancy::tenants::{self, NewTenant};
    let platform = congxa_tenancy::DomainName::parse("localhost").unwrap();
    let mut tx = env.admin.begin().await.unwrap();
    let new = NewTenant {
        slug: slug.to_owned(),
        name: name.to_owned(),
        kind: None,
        region: None,
        domain: None,
    };
    let tenant = tenants::provision(&mut tx, &platform, &new, &Actor::command_line())
        .await
        .unwrap();
    let store = congxa_storage::Store::new(&env.config);
    congxa::demo::seed(&mut tx, &store, tenant.id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    tenant.id
}

/// Uploads a file to a commune's library through the gateway with the
/// operators' API token; the status and the JSON answer.
pub async fn upload(
    platform: &browser::Platform,
    env: &TestEnv,
    host: &str,
    bytes: Vec<u8>,
    name: &str,
) -> (reqwest::StatusCode, Value) {
    let gateway = std::net::SocketAddr::from(([127, 0, 0, 1], platform.port));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(host, gateway)
        .build()
        .unwrap();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    let response = client
        .post(format!("http://{host}:{}/api/tep", platform.port))
        .bearer_auth(&env.config.operator_token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A real PNG of `width` × `height`, a colour gradient: uploaded images are
/// decoded and re-encoded, so test images must be images.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        let [r, g] = [x * 255 / width, y * 255 / height].map(|v| u8::try_from(v).unwrap_or(255));
        image::Rgb([r, g, 0x80])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("a PNG encodes");
    out.into_inner()
}

/// Whether two encoded images show the same points.
pub fn same_points(a: &[u8], b: &[u8]) -> bool {
    match (image::load_from_memory(a), image::load_from_memory(b)) {
        (Ok(a), Ok(b)) => a.to_rgb8() == b.to_rgb8(),
        _ => false,
    }
}

/// Thirty days of visits for a commune, as the analytics flush would have
/// written them, with its most read items, referrers and devices.
pub async fn visits_of_a_month(env: &TestEnv, slug: &str) {
    sqlx::query(
        "WITH t AS (SELECT id FROM tenants WHERE slug = $1)
         INSERT INTO visit_days (tenant_id, day, views, visits, visitors, bots)
         SELECT t.id, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - d, 40 + 3 * d, 20 + d, 15 + d, d
         FROM t, generate_series(0, 29) AS d",
    )
    .bind(slug)
    .execute(&env.admin)
    .await
    .unwrap();
    sqlx::query(
        "WITH t AS (SELECT id FROM tenants WHERE slug = $1),
              i AS (SELECT id::text AS key, row_number() OVER (ORDER BY published_at) AS n FROM items
                    WHERE tenant_id = (SELECT id FROM t) AND status = 'published' LIMIT 5)
         INSERT INTO visit_day_counts (tenant_id, day, dimension, key, views)
         SELECT t.id, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 'item', i.key, 100 - i.n FROM t, i
         UNION ALL
         SELECT t.id, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, r.dimension, r.key, r.views FROM t,
                (VALUES ('referrer', 'facebook.com', 30), ('referrer', 'zalo.me', 12),
                        ('device', 'mobile', 50), ('device', 'desktop', 20)) AS r (dimension, key, views)",
    )
    .bind(slug)
    .execute(&env.admin)
    .await
    .unwrap();
}
