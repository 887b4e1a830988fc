//! Processing of uploaded images: size check, EXIF orientation, metadata
//! stripping and responsive renditions.
//!
//! Everything here is synchronous and CPU-bound; callers run it inside
//! `tokio::task::spawn_blocking`.
//!
//! Privacy is the main reason this module exists: photos taken on phones carry
//! GPS coordinates and device details in EXIF/XMP. Nothing is copied from the
//! upload except pixels, so every byte we serve is produced by our own encoders,
//! which write no metadata.

use std::fmt;
use std::io::Cursor;

use image::codecs::gif::GifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{
    DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageFormat, ImageReader,
    RgbImage, RgbaImage,
};

/// Widths of the responsive renditions, narrowest first.
pub const RENDITION_WIDTHS: [u32; 5] = [320, 640, 960, 1280, 1920];

pub const MIME_JPEG: &str = "image/jpeg";
pub const MIME_PNG: &str = "image/png";
pub const MIME_WEBP: &str = "image/webp";
pub const MIME_GIF: &str = "image/gif";

// The original is what editors may download again, so it is kept close to the
// upload; renditions are what visitors on slow rural connections load.
const ORIGINAL_JPEG_QUALITY: u8 = 88;
const ORIGINAL_WEBP_QUALITY: f32 = 88.0;
const RENDITION_JPEG_QUALITY: u8 = 82;
const RENDITION_WEBP_QUALITY: f32 = 80.0;

/// libwebp refuses anything larger in either direction.
const WEBP_MAX_DIMENSION: u32 = 16_383;

/// Headers are tiny, but PNG decompresses text and ICC chunks that precede the
/// pixel data; this bounds what a hostile header can make us allocate.
const HEADER_MAX_ALLOC: u64 = 64 * 1024 * 1024;

/// Largest decoded sample size among the accepted formats (16-bit RGBA PNG).
const MAX_BYTES_PER_PIXEL: u64 = 8;

/// Upload limits, set per deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum `width * height` of an accepted image.
    pub max_pixels: u64,
}

impl Default for Limits {
    /// 40 megapixels: above any phone camera in use, below what a 2-core
    /// server can process without trouble.
    fn default() -> Self {
        Self {
            max_pixels: 40_000_000,
        }
    }
}

impl Limits {
    /// Refuses images larger than allowed; cheap enough to call on header
    /// dimensions before anything is decoded.
    pub fn check(&self, width: u32, height: u32) -> Result<(), ImageError> {
        if u64::from(width) * u64::from(height) > self.max_pixels {
            return Err(ImageError::TooManyPixels {
                width,
                height,
                max: self.max_pixels,
            });
        }
        Ok(())
    }

    fn decoder_limits(&self) -> image::Limits {
        // Only a header that disagrees with its own pixel data can reach these:
        // honest images were already checked against `max_pixels`.
        let side = u32::try_from(self.max_pixels).unwrap_or(u32::MAX);
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(side);
        limits.max_image_height = Some(side);
        limits.max_alloc = Some(self.max_pixels.saturating_mul(MAX_BYTES_PER_PIXEL));
        limits
    }
}

/// Encoded image bytes together with their MIME type.
#[derive(Clone, PartialEq, Eq)]
pub struct Encoded {
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// One resized copy of an image.
#[derive(Clone, PartialEq, Eq)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// Result of [`prepare`]: the cleaned original and its renditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// Width after applying the EXIF orientation.
    pub width: u32,
    /// Height after applying the EXIF orientation.
    pub height: u32,
    pub original: Encoded,
    /// For each width in [`RENDITION_WIDTHS`] narrower than the original, a
    /// WebP followed by a JPEG, narrowest first.
    pub renditions: Vec<Rendition>,
}

// Debug output would otherwise dump megabytes of pixels into logs.
impl fmt::Debug for Encoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encoded")
            .field("mime", &self.mime)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl fmt::Debug for Rendition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rendition")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("mime", &self.mime)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// Why an image was refused. `Display` is Vietnamese text meant for end users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    TooManyPixels {
        width: u32,
        height: u32,
        max: u64,
    },
    /// The MIME type is not one of JPEG, PNG, WebP or GIF.
    UnsupportedFormat,
    /// Truncated, corrupt, or using a feature the decoders do not support.
    Unreadable,
    /// Our own encoding failed; the detail is for logs, not for users.
    Encode(String),
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooManyPixels { width, height, max } => write!(
                f,
                "Ảnh quá lớn: {} × {} điểm ảnh, vượt giới hạn {} điểm ảnh.",
                congxa_locale::number::grouped(u64::from(*width)),
                congxa_locale::number::grouped(u64::from(*height)),
                pixel_count(*max),
            ),
            Self::UnsupportedFormat => f.write_str(
                "Định dạng ảnh không được hỗ trợ. Chỉ nhận ảnh JPEG, PNG, WebP hoặc GIF.",
            ),
            Self::Unreadable => f.write_str("Ảnh bị hỏng hoặc không đọc được."),
            Self::Encode(_) => {
                f.write_str("Không xử lý được ảnh này. Vui lòng thử lại hoặc dùng ảnh khác.")
            }
        }
    }
}

impl std::error::Error for ImageError {}

/// "40 triệu" reads better than "40.000.000" when the limit is a round number.
fn pixel_count(n: u64) -> String {
    if n >= 1_000_000 && n.is_multiple_of(1_000_000) {
        format!("{} triệu", congxa_locale::number::grouped(n / 1_000_000))
    } else {
        congxa_locale::number::grouped(n)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Jpeg,
    Png,
    Webp,
    Gif,
}

impl Kind {
    fn from_mime(mime: &str) -> Result<Self, ImageError> {
        [
            (MIME_JPEG, Kind::Jpeg),
            (MIME_PNG, Kind::Png),
            (MIME_WEBP, Kind::Webp),
            (MIME_GIF, Kind::Gif),
        ]
        .into_iter()
        .find(|(m, _)| m.eq_ignore_ascii_case(mime.trim()))
        .map(|(_, kind)| kind)
        .ok_or(ImageError::UnsupportedFormat)
    }

    fn format(self) -> ImageFormat {
        match self {
            Kind::Jpeg => ImageFormat::Jpeg,
            Kind::Png => ImageFormat::Png,
            Kind::Webp => ImageFormat::WebP,
            Kind::Gif => ImageFormat::Gif,
        }
    }
}

/// Width and height as stored in the file header, before EXIF orientation.
/// Reads only the header, so it is safe on decompression bombs.
pub fn dimensions(bytes: &[u8], mime: &str) -> Result<(u32, u32), ImageError> {
    let kind = Kind::from_mime(mime)?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(HEADER_MAX_ALLOC);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    reader.limits(limits);
    let (width, height) = reader
        .into_dimensions()
        .map_err(|_| ImageError::Unreadable)?;
    if width == 0 || height == 0 {
        return Err(ImageError::Unreadable);
    }
    Ok((width, height))
}

/// Decodes an upload, applies its EXIF orientation and produces a
/// metadata-free original plus WebP and JPEG renditions.
///
/// The original keeps the upload's format. A GIF or animated WebP keeps only
/// its first frame: re-encoding every frame is not worth the complexity for a
/// commune website, and re-encoding is what guarantees no metadata survives.
///
/// ICC profiles are dropped along with all other metadata and pixels are not
/// converted, so wide-gamut (e.g. Display P3) photos may look slightly less
/// saturated.
pub fn prepare(bytes: &[u8], mime: &str, limits: &Limits) -> Result<Prepared, ImageError> {
    let kind = Kind::from_mime(mime)?;
    let (width, height) = dimensions(bytes, mime)?;
    limits.check(width, height)?;

    let image = decode_oriented(bytes, kind, limits)?;
    let original = encode_original(&image, kind, bytes)?;
    let renditions = renditions(&image)?;
    Ok(Prepared {
        width: image.width(),
        height: image.height(),
        original,
        renditions,
    })
}

fn decode_oriented(bytes: &[u8], kind: Kind, limits: &Limits) -> Result<DynamicImage, ImageError> {
    if kind == Kind::Jpeg && !jpeg_has_end(bytes) {
        return Err(ImageError::Unreadable);
    }
    let mut decoder_limits = limits.decoder_limits();
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    reader.limits(decoder_limits.clone());
    let mut decoder = reader.into_decoder().map_err(|_| ImageError::Unreadable)?;
    // `into_decoder` leaves the output buffer unaccounted (only `decode` checks
    // it), and we need the decoder itself to read the orientation.
    decoder_limits
        .reserve(decoder.total_bytes())
        .map_err(|_| ImageError::Unreadable)?;
    // A malformed EXIF block is common from cheap cameras and editors; it is no
    // reason to refuse pixels that decode fine.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|_| ImageError::Unreadable)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// The JPEG decoder pads a truncated scan with grey instead of failing, which
/// would publish half-grey photos from interrupted uploads; so an end-of-image
/// marker must follow the first scan. Bytes after it are fine (Android
/// "motion photos" append a video there).
fn jpeg_has_end(bytes: &[u8]) -> bool {
    let mut pos = 2;
    // Header segments are skipped by length: an EXIF thumbnail inside them
    // carries an end marker of its own.
    loop {
        match bytes.get(pos..pos + 4) {
            Some(&[0xFF, 0xDA, ..]) | None => break,
            Some(&[0xFF, _, hi, lo]) => pos += 2 + usize::from(u16::from_be_bytes([hi, lo])),
            // Out of step (padding or junk the decoder tolerates): search from here.
            Some(_) => break,
        }
    }
    bytes
        .get(pos..)
        .is_some_and(|rest| rest.windows(2).any(|w| w == [0xFF, 0xD9]))
}

fn encode_original(image: &DynamicImage, kind: Kind, upload: &[u8]) -> Result<Encoded, ImageError> {
    let (mime, bytes) = match kind {
        Kind::Jpeg => (MIME_JPEG, encode_jpeg(image, ORIGINAL_JPEG_QUALITY)?),
        Kind::Png => {
            let mut out = Vec::new();
            image
                .write_with_encoder(PngEncoder::new(&mut out))
                .map_err(|e| ImageError::Encode(format!("png: {e}")))?;
            (MIME_PNG, out)
        }
        // Turning a lossless WebP (logos, screenshots) into a lossy one would
        // blur the very edges its author chose lossless for.
        Kind::Webp => (
            MIME_WEBP,
            encode_webp(image, webp_is_lossless(upload), ORIGINAL_WEBP_QUALITY)?,
        ),
        Kind::Gif => {
            let rgba = image.to_rgba8();
            let mut out = Vec::new();
            GifEncoder::new(&mut out)
                .encode(
                    rgba.as_raw(),
                    rgba.width(),
                    rgba.height(),
                    ExtendedColorType::Rgba8,
                )
                .map_err(|e| ImageError::Encode(format!("gif: {e}")))?;
            (MIME_GIF, out)
        }
    };
    Ok(Encoded { mime, bytes })
}

fn renditions(image: &DynamicImage) -> Result<Vec<Rendition>, ImageError> {
    let (width, height) = (image.width(), image.height());
    // One 8-bit layout for all renditions, so resizing works on the cheapest
    // pixels and both encoders accept them.
    let mut source = if image.has_alpha() {
        DynamicImage::ImageRgba8(image.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.to_rgb8())
    };
    let mut out = Vec::new();
    // Widest first, each resized from the previous one: only the first resize
    // reads the full-size image, which makes the rest several times cheaper
    // at no visible cost (every step shrinks by at least 1.33×).
    for &w in RENDITION_WIDTHS.iter().rev().filter(|&&w| w < width) {
        let h = scaled_height(width, height, w);
        // Very tall, narrow images: libwebp cannot encode them, and a pair with
        // only one format would complicate `<picture>` markup for callers.
        if h > WEBP_MAX_DIMENSION {
            continue;
        }
        let resized = source.resize_exact(w, h, FilterType::Lanczos3);
        let jpeg = encode_jpeg(&resized, RENDITION_JPEG_QUALITY)?;
        let webp = encode_webp(&resized, false, RENDITION_WEBP_QUALITY)?;
        out.push(Rendition {
            width: w,
            height: h,
            mime: MIME_JPEG,
            bytes: jpeg,
        });
        out.push(Rendition {
            width: w,
            height: h,
            mime: MIME_WEBP,
            bytes: webp,
        });
        source = resized;
    }
    out.reverse();
    Ok(out)
}

fn scaled_height(width: u32, height: u32, new_width: u32) -> u32 {
    let h = (u64::from(height) * u64::from(new_width) + u64::from(width) / 2) / u64::from(width);
    u32::try_from(h.max(1)).unwrap_or(u32::MAX)
}

fn encode_jpeg(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    let encoder = JpegEncoder::new_with_quality(&mut out, quality);
    let result = match image {
        DynamicImage::ImageLuma8(gray) => encoder.write_image(
            gray.as_raw(),
            gray.width(),
            gray.height(),
            ExtendedColorType::L8,
        ),
        _ => {
            let rgb = if image.has_alpha() {
                flatten_on_white(&image.to_rgba8())
            } else {
                image.to_rgb8()
            };
            encoder.write_image(
                rgb.as_raw(),
                rgb.width(),
                rgb.height(),
                ExtendedColorType::Rgb8,
            )
        }
    };
    result.map_err(|e| ImageError::Encode(format!("jpeg: {e}")))?;
    Ok(out)
}

/// JPEG has no alpha; dropping the channel would show whatever colour the
/// transparent pixels happen to hold (often black), while pages are white.
fn flatten_on_white(rgba: &RgbaImage) -> RgbImage {
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let a = u16::from(a);
        let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

/// Uses libwebp because the `image` crate only writes lossless WebP, which for
/// photos is larger than JPEG.
fn encode_webp(image: &DynamicImage, lossless: bool, quality: f32) -> Result<Vec<u8>, ImageError> {
    let encoded = if image.has_alpha() {
        let rgba = image.to_rgba8();
        webp::Encoder::from_rgba(rgba.as_raw(), rgba.width(), rgba.height())
            .encode_simple(lossless, quality)
    } else {
        let rgb = image.to_rgb8();
        webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height())
            .encode_simple(lossless, quality)
    };
    encoded
        .map(|memory| memory.to_vec())
        .map_err(|e| ImageError::Encode(format!("webp: {e:?}")))
}

/// Whether the first image chunk of a RIFF/WebP file is VP8L (lossless).
fn webp_is_lossless(bytes: &[u8]) -> bool {
    let mut pos = 12; // "RIFF" <size> "WEBP"
    while let Some(header) = bytes.get(pos..pos + 8) {
        match &header[..4] {
            b"VP8L" => return true,
            b"VP8 " | b"ANMF" => return false,
            _ => {}
        }
        let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        pos = pos
            .saturating_add(8)
            .saturating_add(size)
            .saturating_add(size & 1);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GenericImageView, Rgb, Rgba};

    const GPS_MARKER: &[u8] = b"CONGXA-GPS-MARKER-21.0285N";

    fn photo(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            Rgb([
                (x % 256) as u8,
                (y % 256) as u8,
                ((x * 3 + y * 7) % 256) as u8,
            ])
        })
    }

    fn jpeg_bytes(image: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 90)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                ExtendedColorType::Rgb8,
            )
            .unwrap();
        out
    }

    fn png_bytes(image: &DynamicImage) -> Vec<u8> {
        let mut out = Vec::new();
        image.write_with_encoder(PngEncoder::new(&mut out)).unwrap();
        out
    }

    /// Little-endian TIFF with IFD0 { Orientation, GPS IFD pointer } and a GPS
    /// IFD { version, latitude ref 'N', latitude, map datum = GPS_MARKER }.
    fn tiff_with_gps(orientation: u16) -> Vec<u8> {
        fn entry(out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]) {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            out.extend_from_slice(&value);
        }
        const SHORT: u16 = 3;
        const LONG: u16 = 4;
        const BYTE: u16 = 1;
        const ASCII: u16 = 2;
        const RATIONAL: u16 = 5;
        let ifd0 = 8u32;
        let gps_ifd = ifd0 + 2 + 2 * 12 + 4;
        let latitude = gps_ifd + 2 + 4 * 12 + 4;
        let datum = latitude + 3 * 8;

        let mut t = b"II*\0".to_vec();
        t.extend_from_slice(&ifd0.to_le_bytes());
        t.extend_from_slice(&2u16.to_le_bytes());
        let o = orientation.to_le_bytes();
        entry(&mut t, 0x0112, SHORT, 1, [o[0], o[1], 0, 0]);
        entry(&mut t, 0x8825, LONG, 1, gps_ifd.to_le_bytes());
        t.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(t.len() as u32, gps_ifd);

        t.extend_from_slice(&4u16.to_le_bytes());
        entry(&mut t, 0x0000, BYTE, 4, [2, 3, 0, 0]);
        entry(&mut t, 0x0001, ASCII, 2, [b'N', 0, 0, 0]);
        entry(&mut t, 0x0002, RATIONAL, 3, latitude.to_le_bytes());
        let datum_len = GPS_MARKER.len() as u32 + 1;
        entry(&mut t, 0x0012, ASCII, datum_len, datum.to_le_bytes());
        t.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(t.len() as u32, latitude);

        for (num, den) in [(21u32, 1u32), (1, 1), (2826, 100)] {
            t.extend_from_slice(&num.to_le_bytes());
            t.extend_from_slice(&den.to_le_bytes());
        }
        t.extend_from_slice(GPS_MARKER);
        t.push(0);
        t
    }

    /// Inserts an APP1 "Exif" segment right after SOI.
    fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(&tiff_with_gps(orientation));
        let len = u16::try_from(payload.len() + 2).unwrap();
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&payload);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
        out
    }

    /// Inserts chunks right after IHDR (8-byte signature + 25-byte IHDR).
    fn png_with_chunks(png: &[u8], chunks: &[Vec<u8>]) -> Vec<u8> {
        let mut out = png[..33].to_vec();
        for chunk in chunks {
            out.extend_from_slice(chunk);
        }
        out.extend_from_slice(&png[33..]);
        out
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// Marker bytes of every JPEG segment before the scan data.
    fn jpeg_segment_markers(jpeg: &[u8]) -> Vec<u8> {
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        let mut markers = Vec::new();
        let mut pos = 2;
        while pos + 4 <= jpeg.len() {
            assert_eq!(jpeg[pos], 0xFF, "segment must start with 0xFF");
            let marker = jpeg[pos + 1];
            markers.push(marker);
            if marker == 0xDA {
                break;
            }
            let len = u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]) as usize;
            pos += 2 + len;
        }
        markers
    }

    fn png_chunk_types(png: &[u8]) -> Vec<[u8; 4]> {
        let mut types = Vec::new();
        let mut pos = 8;
        while pos + 8 <= png.len() {
            let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
            types.push(png[pos + 4..pos + 8].try_into().unwrap());
            pos += 12 + len;
        }
        types
    }

    fn decode(encoded: &[u8]) -> DynamicImage {
        image::load_from_memory(encoded).expect("output must decode")
    }

    fn assert_no_metadata(prepared: &Prepared) {
        let outputs = std::iter::once((prepared.original.mime, &prepared.original.bytes))
            .chain(prepared.renditions.iter().map(|r| (r.mime, &r.bytes)));
        for (mime, bytes) in outputs {
            assert!(!contains(bytes, GPS_MARKER), "{mime}: GPS bytes survived");
            assert!(!contains(bytes, b"Exif"), "{mime}: Exif survived");
            assert!(!contains(bytes, b"http://ns.adobe.com/xap"), "{mime}: XMP");
            match mime {
                MIME_JPEG => {
                    let markers = jpeg_segment_markers(bytes);
                    // APP0 (JFIF) is fine; APP1 (EXIF/XMP) .. APP15 and COM are not.
                    assert!(
                        markers
                            .iter()
                            .all(|m| !(0xE1..=0xEF).contains(m) && *m != 0xFE),
                        "{mime}: metadata segment in {markers:x?}"
                    );
                }
                MIME_WEBP => {
                    for chunk in [b"EXIF", b"XMP ", b"ICCP"] {
                        assert!(!contains(bytes, chunk), "{mime}: {chunk:?} chunk");
                    }
                }
                MIME_PNG => {
                    for chunk in png_chunk_types(bytes) {
                        assert!(
                            [b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"].contains(&&chunk),
                            "{mime}: unexpected chunk {}",
                            String::from_utf8_lossy(&chunk)
                        );
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn exif_orientation_6_is_applied() {
        // Left half red, right half blue; rotating 90° clockwise puts red on top.
        let image = RgbImage::from_fn(200, 100, |x, _| {
            if x < 100 {
                Rgb([255, 0, 0])
            } else {
                Rgb([0, 0, 255])
            }
        });
        let upload = with_exif(&jpeg_bytes(&image), 6);
        assert_eq!(dimensions(&upload, MIME_JPEG).unwrap(), (200, 100));

        let prepared = prepare(&upload, MIME_JPEG, &Limits::default()).unwrap();
        assert_eq!((prepared.width, prepared.height), (100, 200));
        assert_eq!(prepared.original.mime, MIME_JPEG);
        let original = decode(&prepared.original.bytes).to_rgb8();
        assert_eq!(original.dimensions(), (100, 200));
        let top = original.get_pixel(50, 20).0;
        let bottom = original.get_pixel(50, 180).0;
        assert!(top[0] > 200 && top[2] < 60, "top should be red: {top:?}");
        assert!(
            bottom[2] > 200 && bottom[0] < 60,
            "bottom should be blue: {bottom:?}"
        );
        // The orientation was baked in, so no viewer can rotate it twice.
        assert_eq!(
            image::ImageReader::with_format(
                Cursor::new(&prepared.original.bytes),
                ImageFormat::Jpeg
            )
            .into_decoder()
            .unwrap()
            .orientation()
            .unwrap(),
            Orientation::NoTransforms
        );
    }

    #[test]
    fn gps_exif_is_stripped_from_jpeg() {
        let upload = with_exif(&jpeg_bytes(&photo(800, 600)), 1);
        assert!(contains(&upload, GPS_MARKER) && contains(&upload, b"Exif\0\0"));

        let prepared = prepare(&upload, MIME_JPEG, &Limits::default()).unwrap();
        assert_eq!((prepared.width, prepared.height), (800, 600));
        assert_eq!(prepared.renditions.len(), 4);
        assert_no_metadata(&prepared);
    }

    #[test]
    fn png_metadata_is_stripped_and_exif_orientation_applied() {
        let png = png_bytes(&DynamicImage::ImageRgb8(photo(400, 300)));
        let mut text = b"Comment\0".to_vec();
        text.extend_from_slice(GPS_MARKER);
        let upload = png_with_chunks(
            &png,
            &[
                png_chunk(b"eXIf", &tiff_with_gps(6)),
                png_chunk(b"tEXt", &text),
            ],
        );
        let prepared = prepare(&upload, MIME_PNG, &Limits::default()).unwrap();
        assert_eq!((prepared.width, prepared.height), (300, 400));
        assert_eq!(prepared.original.mime, MIME_PNG);
        assert_eq!(decode(&prepared.original.bytes).dimensions(), (300, 400));
        assert_no_metadata(&prepared);
    }

    #[test]
    fn large_image_gets_every_rendition_in_both_formats() {
        let upload = jpeg_bytes(&photo(4000, 3000));
        let prepared = prepare(&upload, MIME_JPEG, &Limits::default()).unwrap();
        assert_eq!((prepared.width, prepared.height), (4000, 3000));

        let expected: Vec<(u32, u32, &str)> = RENDITION_WIDTHS
            .iter()
            .flat_map(|&w| [(w, w * 3 / 4, MIME_WEBP), (w, w * 3 / 4, MIME_JPEG)])
            .collect();
        let actual: Vec<(u32, u32, &str)> = prepared
            .renditions
            .iter()
            .map(|r| (r.width, r.height, r.mime))
            .collect();
        assert_eq!(actual, expected);

        for r in &prepared.renditions {
            let format = image::guess_format(&r.bytes).unwrap();
            assert_eq!(format.to_mime_type(), r.mime);
            assert_eq!(decode(&r.bytes).dimensions(), (r.width, r.height));
        }
        // Lossy WebP is the point of using libwebp: it must beat JPEG on photos.
        let webp_1920 = &prepared.renditions[8];
        let jpeg_1920 = &prepared.renditions[9];
        assert!(
            webp_1920.bytes.len() < jpeg_1920.bytes.len(),
            "webp {} vs jpeg {}",
            webp_1920.bytes.len(),
            jpeg_1920.bytes.len()
        );
        assert!(!contains(&webp_1920.bytes, b"VP8L"));
    }

    #[test]
    fn renditions_are_strictly_narrower_than_the_original() {
        let upload = jpeg_bytes(&photo(300, 200));
        let prepared = prepare(&upload, MIME_JPEG, &Limits::default()).unwrap();
        assert!(prepared.renditions.is_empty());

        let upload = jpeg_bytes(&photo(640, 480));
        let prepared = prepare(&upload, MIME_JPEG, &Limits::default()).unwrap();
        let widths: Vec<u32> = prepared.renditions.iter().map(|r| r.width).collect();
        assert_eq!(widths, [320, 320]);
    }

    #[test]
    fn png_header_claiming_30000_squared_is_refused_before_decoding() {
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&30_000u32.to_be_bytes());
        ihdr.extend_from_slice(&30_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
        let mut bomb = b"\x89PNG\r\n\x1a\n".to_vec();
        bomb.extend_from_slice(&png_chunk(b"IHDR", &ihdr));
        // Garbage pixel data: decoding it would fail with `Unreadable`, so
        // getting `TooManyPixels` proves the pixels were never touched.
        bomb.extend_from_slice(&png_chunk(b"IDAT", &[0xAB; 32]));
        bomb.extend_from_slice(&png_chunk(b"IEND", &[]));

        assert_eq!(dimensions(&bomb, MIME_PNG).unwrap(), (30_000, 30_000));
        assert_eq!(
            prepare(&bomb, MIME_PNG, &Limits::default()).unwrap_err(),
            ImageError::TooManyPixels {
                width: 30_000,
                height: 30_000,
                max: 40_000_000
            }
        );
    }

    #[test]
    fn truncated_jpeg_is_unreadable() {
        let jpeg = jpeg_bytes(&photo(400, 300));
        for cut in [jpeg.len() / 2, 200, 10] {
            assert_eq!(
                prepare(&jpeg[..cut], MIME_JPEG, &Limits::default()).unwrap_err(),
                ImageError::Unreadable,
                "cut at {cut} of {}",
                jpeg.len()
            );
        }
        // Trailing bytes after the end marker are not truncation.
        let mut motion_photo = jpeg.clone();
        motion_photo.extend_from_slice(b"....ftypmp42 video follows");
        assert!(prepare(&motion_photo, MIME_JPEG, &Limits::default()).is_ok());

        assert_eq!(
            prepare(b"not an image", MIME_PNG, &Limits::default()).unwrap_err(),
            ImageError::Unreadable
        );
    }

    #[test]
    fn other_truncated_formats_are_unreadable() {
        let image = DynamicImage::ImageRgb8(photo(400, 300));
        for (mime, format) in [
            (MIME_PNG, ImageFormat::Png),
            (MIME_WEBP, ImageFormat::WebP),
            (MIME_GIF, ImageFormat::Gif),
        ] {
            let mut bytes = Vec::new();
            image.write_to(Cursor::new(&mut bytes), format).unwrap();
            bytes.truncate(bytes.len() / 2);
            assert_eq!(
                prepare(&bytes, mime, &Limits::default()).unwrap_err(),
                ImageError::Unreadable,
                "{mime}"
            );
        }
        let lossy = encode_webp(&image, false, 80.0).unwrap();
        assert_eq!(
            prepare(&lossy[..lossy.len() / 2], MIME_WEBP, &Limits::default()).unwrap_err(),
            ImageError::Unreadable
        );
    }

    #[test]
    fn png_with_alpha_gets_jpeg_renditions_on_white() {
        // Right half fully transparent (with black colour underneath).
        let image = RgbaImage::from_fn(800, 600, |x, _| {
            if x < 400 {
                Rgba([0, 128, 0, 255])
            } else {
                Rgba([0, 0, 0, 0])
            }
        });
        let upload = png_bytes(&DynamicImage::ImageRgba8(image));
        let prepared = prepare(&upload, MIME_PNG, &Limits::default()).unwrap();
        assert!(decode(&prepared.original.bytes).color().has_alpha());

        let jpeg = prepared
            .renditions
            .iter()
            .find(|r| r.mime == MIME_JPEG && r.width == 640)
            .unwrap();
        let pixels = decode(&jpeg.bytes).to_rgb8();
        let right = pixels.get_pixel(600, 240).0;
        assert!(right.iter().all(|&c| c > 245), "not white: {right:?}");
        let left = pixels.get_pixel(40, 240).0;
        assert!(left[1] > 100 && left[0] < 40, "not green: {left:?}");

        let webp = prepared
            .renditions
            .iter()
            .find(|r| r.mime == MIME_WEBP && r.width == 640)
            .unwrap();
        assert_eq!(decode(&webp.bytes).to_rgba8().get_pixel(600, 240)[3], 0);
    }

    #[test]
    fn webp_and_gif_keep_their_format() {
        let image = DynamicImage::ImageRgb8(photo(500, 400));

        let mut lossless = Vec::new();
        image
            .write_to(Cursor::new(&mut lossless), ImageFormat::WebP)
            .unwrap();
        let prepared = prepare(&lossless, MIME_WEBP, &Limits::default()).unwrap();
        assert_eq!(prepared.original.mime, MIME_WEBP);
        assert!(webp_is_lossless(&prepared.original.bytes));
        assert_eq!(decode(&prepared.original.bytes).dimensions(), (500, 400));

        let lossy = encode_webp(&image, false, 75.0).unwrap();
        assert!(!webp_is_lossless(&lossy));
        let prepared = prepare(&lossy, MIME_WEBP, &Limits::default()).unwrap();
        assert!(!webp_is_lossless(&prepared.original.bytes));
        assert_eq!(prepared.renditions.len(), 2);

        let mut gif = Vec::new();
        image
            .write_to(Cursor::new(&mut gif), ImageFormat::Gif)
            .unwrap();
        let prepared = prepare(&gif, MIME_GIF, &Limits::default()).unwrap();
        assert_eq!(prepared.original.mime, MIME_GIF);
        assert_eq!(decode(&prepared.original.bytes).dimensions(), (500, 400));
        assert_eq!(prepared.renditions.len(), 2);
    }

    #[test]
    fn images_exactly_at_the_limit_are_accepted() {
        let limits = Limits {
            max_pixels: 64 * 48,
        };
        let rgb = DynamicImage::ImageRgb8(photo(64, 48));
        let rgba16 = DynamicImage::ImageRgba16(rgb.to_rgba16());

        let mut uploads = vec![
            (MIME_JPEG, jpeg_bytes(&photo(64, 48))),
            (MIME_PNG, png_bytes(&rgba16)),
        ];
        for (mime, format) in [(MIME_WEBP, ImageFormat::WebP), (MIME_GIF, ImageFormat::Gif)] {
            let mut bytes = Vec::new();
            rgb.write_to(Cursor::new(&mut bytes), format).unwrap();
            uploads.push((mime, bytes));
        }
        for (mime, bytes) in uploads {
            let prepared = prepare(&bytes, mime, &limits)
                .unwrap_or_else(|e| panic!("{mime} at the limit refused: {e:?}"));
            assert_eq!((prepared.width, prepared.height), (64, 48));

            let smaller = Limits {
                max_pixels: limits.max_pixels - 1,
            };
            assert!(matches!(
                prepare(&bytes, mime, &smaller),
                Err(ImageError::TooManyPixels { .. })
            ));
        }
    }

    #[test]
    fn unknown_mime_is_unsupported() {
        let jpeg = jpeg_bytes(&photo(10, 10));
        assert_eq!(
            prepare(&jpeg, "image/tiff", &Limits::default()).unwrap_err(),
            ImageError::UnsupportedFormat
        );
        assert!(prepare(&jpeg, "IMAGE/JPEG", &Limits::default()).is_ok());
    }

    #[test]
    fn error_messages_are_vietnamese() {
        let too_big = ImageError::TooManyPixels {
            width: 20_000,
            height: 20_000,
            max: 40_000_000,
        };
        assert_eq!(
            too_big.to_string(),
            "Ảnh quá lớn: 20.000 × 20.000 điểm ảnh, vượt giới hạn 40 triệu điểm ảnh."
        );
        let odd_limit = ImageError::TooManyPixels {
            width: 5_000,
            height: 999,
            max: 4_500_000,
        };
        assert_eq!(
            odd_limit.to_string(),
            "Ảnh quá lớn: 5.000 × 999 điểm ảnh, vượt giới hạn 4.500.000 điểm ảnh."
        );
        assert_eq!(
            ImageError::Unreadable.to_string(),
            "Ảnh bị hỏng hoặc không đọc được."
        );
        assert_eq!(congxa_locale::number::grouped(0), "0");
        assert_eq!(congxa_locale::number::grouped(1_234_567), "1.234.567");
    }
}
