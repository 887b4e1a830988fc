//! Documents read back by a real word processor: LibreOffice converts a
//! DOCX to PDF and poppler reads the PDF's text, page size and fonts
//! (installed by tests/office/setup, which `make test` runs).

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A cold LibreOffice start on a busy 2-core machine takes a few seconds.
const CONVERSION_TIMEOUT: Duration = Duration::from_secs(120);

/// What the PDF of a document says.
pub struct Converted {
    /// The text in reading order, as pdftotext gives it.
    pub text: String,
    /// pdfinfo's report (pages, page size).
    pub info: String,
    /// pdffonts' list of the fonts used.
    pub fonts: String,
    pub took: Duration,
}

fn find_program(name: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "Chưa cài {name} trên máy này. Hãy chạy tests/office/setup (cài LibreOffice Writer \
             và poppler-utils từ kho Debian) rồi chạy lại kiểm thử."
        )
    })
}

/// Runs a program to completion, killing it and its children after the
/// timeout (soffice starts a helper process of its own).
fn run(command: &mut Command) -> std::process::Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("không chạy được {command:?}: {e}"));
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => {
                return child
                    .wait_with_output()
                    .unwrap_or_else(|e| panic!("{command:?}: {e}"));
            }
            Ok(None) => {}
            Err(e) => panic!("{command:?}: {e}"),
        }
        if started.elapsed() > CONVERSION_TIMEOUT {
            let group = format!("-{}", child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            let _ = child.wait();
            panic!("Quá {CONVERSION_TIMEOUT:?} mà chưa chuyển đổi xong: {command:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Converts DOCX bytes to PDF with LibreOffice and reads the PDF back.
/// Panics, with the reason, when LibreOffice cannot open the file.
pub fn read_docx(docx: &[u8]) -> Converted {
    let soffice = find_program("soffice");
    let pdftotext = find_program("pdftotext");
    let pdfinfo = find_program("pdfinfo");
    let pdffonts = find_program("pdffonts");

    // A profile of its own, so that conversions can run side by side.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("thư mục tạm: {e}"));
    let path = dir.path().join("van-ban.docx");
    std::fs::write(&path, docx).unwrap_or_else(|e| panic!("ghi tệp: {e}"));
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );

    let started = Instant::now();
    let output = run(Command::new(soffice)
        .arg(profile)
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&path));
    let took = started.elapsed();
    let pdf = dir.path().join("van-ban.pdf");
    assert!(
        output.status.success() && pdf.is_file(),
        "LibreOffice không mở được tệp: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    let read = |program: &Path, args: &[&str]| {
        let mut command = Command::new(program);
        command.args(args).arg(&pdf);
        if program == pdftotext {
            command.arg("-");
        }
        let output = run(&mut command);
        assert!(output.status.success(), "{program:?} thất bại");
        String::from_utf8(output.stdout).unwrap_or_else(|e| panic!("{program:?}: {e}"))
    };
    Converted {
        text: read(&pdftotext, &["-enc", "UTF-8"]),
        info: read(&pdfinfo, &[]),
        fonts: read(&pdffonts, &[]),
        took,
    }
}

/// Whitespace collapsed: pdftotext breaks lines where the page did.
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every expected piece appears in `text` (already flattened), in this
/// order.
pub fn assert_in_order(text: &str, expected: &[String]) {
    let mut rest = text;
    for piece in expected {
        let piece = flat(piece);
        match rest.find(&piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => panic!(
                "Không thấy «{piece}» (theo đúng thứ tự) trong văn bản chuyển từ PDF:\n{text}"
            ),
        }
    }
}

/// The fonts of a PDF, as pdffonts names them.
pub fn font_faces(fonts: &str) -> Vec<&str> {
    fonts
        .lines()
        .skip(2)
        .filter_map(|line| line.split_whitespace().next())
        .collect()
}

/// What a reader sees of a document after its header, in reading order:
/// the title, the summary, every block, the recipients and the signature.
pub fn reading_order(document: &congxa_docx::Document) -> Vec<String> {
    use congxa_docx::Block;
    let mut pieces = vec![document.kind.to_uppercase(), document.summary.clone()];
    for block in &document.blocks {
        match block {
            Block::Heading1(text) | Block::Heading2(text) => pieces.push(text.clone()),
            Block::Paragraph(text) => pieces.extend(text.lines().map(str::to_owned)),
            Block::Bullet(text) => pieces.push(format!("- {text}")),
            Block::Table { header, rows } => {
                pieces.extend(header.iter().cloned());
                pieces.extend(rows.iter().flatten().cloned());
            }
        }
    }
    pieces.push("Nơi nhận:".to_owned());
    pieces.extend(congxa_docx::recipient_lines(&document.recipients));
    pieces
}
