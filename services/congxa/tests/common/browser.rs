//! The real-browser tests' harness: the whole platform served, and a script
//! of tests/browser run with Node.js against it.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use congxa_testing::TestEnv;
use congxa_web::Shutdown;
use tokio::process::Command;
use tokio::task::JoinHandle;

const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// tests/browser, with its packages installed.
pub struct Scripts {
    workspace: PathBuf,
    dir: PathBuf,
}

impl Scripts {
    /// Fails, saying how to install them, when the scripts' packages are
    /// missing: checked first, so that nothing is set up in vain.
    pub fn installed() -> Self {
        let workspace = Path::new(WORKSPACE).canonicalize().unwrap();
        let dir = workspace.join("tests/browser");
        assert!(
            dir.join("node_modules/playwright-core/package.json")
                .is_file()
                && dir.join("node_modules/axe-core/axe.min.js").is_file(),
            "the browser test's packages are not installed in {}/node_modules: run `make test` \
             (it runs tests/browser/setup, which installs them and Chromium)",
            dir.display()
        );
        Self { workspace, dir }
    }

    /// `node tests/browser/<script> <args>`, killed after `timeout` (the
    /// scripts give up by themselves sooner; this is the last resort).
    /// `url` is what the checks look at, for the message.
    pub async fn run<I>(&self, script: &str, args: I, url: &str, timeout: Duration) -> Output
    where
        I: IntoIterator,
        I::Item: AsRef<OsStr>,
    {
        self.run_with(script, args, &[], url, timeout).await
    }

    /// As `run`, with environment variables for the script.
    pub async fn run_with<I>(
        &self,
        script: &str,
        args: I,
        envs: &[(&str, &str)],
        url: &str,
        timeout: Duration,
    ) -> Output
    where
        I: IntoIterator,
        I::Item: AsRef<OsStr>,
    {
        let checks = Command::new("node")
            .arg(self.dir.join(script))
            .args(args)
            .envs(envs.iter().copied())
            .current_dir(&self.workspace)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output();
        tokio::time::timeout(timeout, checks)
            .await
            .unwrap_or_else(|_| {
                panic!("the browser checks of {url} did not finish within {timeout:?}")
            })
            .expect("run `node`: Node.js 20 or later must be installed")
    }
}

/// The whole platform, as `congxa serve` runs it, on ports of its own.
pub struct Platform {
    /// The gateway's port, where communes and the console are served.
    pub port: u16,
    shutdown: Shutdown,
    server: JoinHandle<anyhow::Result<()>>,
}

impl Platform {
    pub async fn start(env: &TestEnv) -> Self {
        let listeners = congxa::Listeners::bind(&env.config).await.unwrap();
        let port = listeners.gateway.local_addr().unwrap().port();
        let shutdown = Shutdown::new();
        let server = tokio::spawn(congxa::serve_all(
            env.config.clone(),
            listeners,
            shutdown.clone(),
        ));
        Self {
            port,
            shutdown,
            server,
        }
    }

    /// Shuts it down, failing if it stopped with an error.
    pub async fn stop(self) {
        self.shutdown.trigger();
        self.server.await.unwrap().unwrap();
    }
}

/// Fails, with every line the checks of `url` printed, unless all passed.
pub fn assert_passed(url: &str, output: &Output) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the browser checks of {url} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
}
