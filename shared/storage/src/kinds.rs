//! Which files the platform accepts, decided by their bytes, never by their
//! name: one judgement for the media service's uploads and for the files an
//! imported archive brings, so neither door lets in what the other refuses.

/// Bytes needed to tell a file's kind (the longest signature `infer` reads
/// for our kinds fits in this).
pub const SNIFF: usize = 8 * 1024;

/// What the platform accepts, in the words of a refusal.
pub const ACCEPTED: &str = "ảnh (JPEG, PNG, WebP, GIF), tài liệu (PDF, Word, Excel, PowerPoint, OpenDocument) và video MP4";

/// An accepted kind of file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub mime: &'static str,
    /// Documents are offered for download; images and video show inline.
    pub download: bool,
}

/// Identifies a file from its first bytes, or `None` when the platform does
/// not accept that kind of file.
pub fn detect(head: &[u8]) -> Option<Kind> {
    let found = infer::get(head)?;
    let mime = match found.mime_type() {
        "image/jpeg" => "image/jpeg",
        "image/png" => "image/png",
        "image/webp" => "image/webp",
        "image/gif" => "image/gif",
        "video/mp4" => "video/mp4",
        "application/pdf" => "application/pdf",
        "application/msword" => "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
        "application/vnd.ms-excel" => "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
        "application/vnd.ms-powerpoint" => "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => {
            "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        }
        "application/vnd.oasis.opendocument.text" => "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet" => {
            "application/vnd.oasis.opendocument.spreadsheet"
        }
        _ => return None,
    };
    Some(Kind {
        mime,
        download: is_download(mime),
    })
}

/// What a file is, for the limits that apply and the library's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Image,
    Document,
    Video,
}

impl Class {
    pub fn of(mime: &str) -> Self {
        if mime.starts_with("image/") {
            Self::Image
        } else if mime.starts_with("video/") {
            Self::Video
        } else {
            Self::Document
        }
    }

    /// The value of `media_files.kind`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Document => "document",
            Self::Video => "video",
        }
    }

    /// "ảnh", "tài liệu", "video": in messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Image => "ảnh",
            Self::Document => "tài liệu",
            Self::Video => "video",
        }
    }
}

impl Kind {
    pub fn class(&self) -> Class {
        Class::of(self.mime)
    }
}

/// Documents are offered for download; images and video show in the page.
pub fn is_download(mime: &str) -> bool {
    !(mime.starts_with("image/") || mime.starts_with("video/"))
}

/// What a file may be: the sizes of each kind (an upload's, and a file an
/// archive brings), and an image's pixels.
#[derive(Clone, Copy)]
pub struct Limits {
    pub image_bytes: u64,
    pub document_bytes: u64,
    pub video_bytes: u64,
    pub image_pixels: u64,
}

impl Limits {
    pub fn of(config: &congxa_config::Config) -> Self {
        Self {
            image_bytes: config.max_image_bytes.min(config.max_upload_bytes),
            document_bytes: config.max_document_bytes.min(config.max_upload_bytes),
            video_bytes: config.max_upload_bytes,
            image_pixels: config.max_image_pixels,
        }
    }

    pub fn bytes_for(&self, class: Class) -> u64 {
        match class {
            Class::Image => self.image_bytes,
            Class::Document => self.document_bytes,
            Class::Video => self.video_bytes,
        }
    }

    /// The largest anything may be, before its kind is known.
    pub fn largest(&self) -> u64 {
        self.image_bytes
            .max(self.document_bytes)
            .max(self.video_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_is_recognised_whatever_it_is_called() {
        let png = [
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
        ];
        assert_eq!(detect(&png).map(|k| k.mime), Some("image/png"));
    }

    #[test]
    fn a_pdf_is_a_download() {
        let kind = detect(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n").unwrap();
        assert_eq!(kind.mime, "application/pdf");
        assert!(kind.download);
    }

    #[test]
    fn scripts_and_executables_are_refused() {
        assert_eq!(detect(b"<script>alert(1)</script>"), None);
        assert_eq!(detect(b"MZ\x90\x00\x03\x00\x00\x00"), None);
        assert_eq!(detect(b"#!/bin/sh\nrm -rf /"), None);
    }
}
