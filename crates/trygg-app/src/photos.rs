//! Photos of fixes: taken by their content, never their name (JPEG, PNG or WebP by their first
//! bytes), no larger than [`PhotoConfig::max_bytes`], and stripped of their metadata before
//! anything is stored — EXIF (with GPS and the camera), XMP, ICC profiles, comments and PNG's
//! text chunks — by dropping those segments (`img-parts`), without decoding or re-encoding the
//! picture. The bytes go to the database's `photos` table or, with `[photos] dir`, to a file
//! in that directory, named by their SHA-256 either way, so the same photo is stored once.
//! Which fix a photo belongs to, and whether a coordinator approved it for public pages, is in
//! the fix's record (`trygg_domain::fix::FixPhoto`).

use std::path::PathBuf;

use img_parts::{Bytes, ImageEXIF, ImageICC};
use sha2::{Digest, Sha256};
use trygg_domain::fix::PhotoKind;
use trygg_domain::{Actor, ErrorCode, ValidationError};

use crate::{App, AppError};

/// The largest photo taken unless configured otherwise: 8 MiB.
pub const DEFAULT_MAX_BYTES: usize = 8 * 1024 * 1024;

/// Where photos are kept and how large they may be (`[photos]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoConfig {
    /// A directory for the photos' files; `None`: the database.
    pub dir: Option<PathBuf>,
    /// The largest photo taken, in bytes.
    pub max_bytes: usize,
}

impl Default for PhotoConfig {
    fn default() -> Self {
        Self {
            dir: None,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

fn refused(message: String) -> AppError {
    AppError::Invalid(ValidationError::new(ErrorCode::Invalid, "photo", message))
}

/// The kind of image `bytes` hold, by their first bytes.
pub fn sniff(bytes: &[u8]) -> Option<PhotoKind> {
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(PhotoKind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(PhotoKind::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(PhotoKind::Webp)
    } else {
        None
    }
}

/// The PNG chunks kept: what draws the picture. Every other chunk (eXIf, tEXt, iTXt, zTXt,
/// tIME, iCCP, private chunks) goes.
const PNG_KEPT: [&[u8; 4]; 11] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD",
    b"pHYs",
];

/// Checks a photo (size, kind by content, a whole image) and strips its metadata; the refusal
/// says what to do. Nothing is stored here.
pub fn clean(bytes: &[u8], max_bytes: usize) -> Result<(PhotoKind, Vec<u8>), AppError> {
    if bytes.len() > max_bytes {
        let mib = |n: usize| format!("{:.1}", n as f64 / (1024.0 * 1024.0)).replace('.', ",");
        return Err(refused(format!(
            "The photo is {} MiB; at most {} MiB is taken: send a smaller one (fotot är för stort, högst {} MiB).",
            mib(bytes.len()),
            mib(max_bytes),
            mib(max_bytes)
        )));
    }
    let not_image = || {
        refused(
            "The file is not a photo: send a JPEG, PNG or WebP image (filen är inte en bild: skicka JPEG, PNG eller WebP)."
                .into(),
        )
    };
    let kind = sniff(bytes).ok_or_else(not_image)?;
    let broken = |_| {
        refused(
            "The image is damaged or cut off: send it again, or another one (bilden är trasig eller ofullständig)."
                .into(),
        )
    };
    let data = Bytes::copy_from_slice(bytes);
    let out = match kind {
        PhotoKind::Jpeg => {
            let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(data).map_err(broken)?;
            jpeg.dimensions().ok_or_else(not_image)?;
            // APP0 (JFIF) and APP14 (Adobe's colour transform) say how to draw the picture;
            // every other APPn (EXIF, XMP, ICC, maker notes) and comments go.
            jpeg.segments_mut().retain(|s| {
                let m = s.marker();
                !((0xe1..=0xed).contains(&m) || m == 0xef || m == 0xfe)
            });
            jpeg.encoder().bytes()
        }
        PhotoKind::Png => {
            let mut png = img_parts::png::Png::from_bytes(data).map_err(broken)?;
            png.dimensions().ok_or_else(not_image)?;
            png.chunks_mut()
                .retain(|c| PNG_KEPT.iter().any(|k| **k == c.kind()));
            png.encoder().bytes()
        }
        PhotoKind::Webp => {
            let mut webp = img_parts::webp::WebP::from_bytes(data).map_err(broken)?;
            webp.dimensions().ok_or_else(not_image)?;
            webp.remove_chunks_by_id(*b"XMP ");
            webp.set_icc_profile(None);
            // Also sets the VP8X flags to what is left.
            webp.set_exif(None);
            webp.encoder().bytes()
        }
    };
    Ok((kind, out.to_vec()))
}

/// The SHA-256 of `bytes`.
pub fn digest(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn path(dir: &std::path::Path, sha256: &[u8], kind: PhotoKind) -> PathBuf {
    dir.join(format!("{}.{}", hex(sha256), kind.extension()))
}

/// Stores cleaned bytes (from [`clean`]) and returns their SHA-256.
pub async fn save(
    app: &App,
    actor: &Actor,
    kind: PhotoKind,
    bytes: Vec<u8>,
) -> Result<Vec<u8>, AppError> {
    let sha = digest(&bytes);
    match app.fixes.photos.dir.clone() {
        None => {
            app.store
                .put_photo(actor, &hex(&sha), kind.content_type(), &bytes)
                .await?;
        }
        Some(dir) => {
            let target = path(&dir, &sha, kind);
            tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                if target.exists() {
                    return Ok(());
                }
                std::fs::create_dir_all(&dir)?;
                // Written under another name and renamed, so a half-written file is never read.
                let part = target.with_extension("part");
                std::fs::write(&part, &bytes)?;
                std::fs::rename(&part, &target)
            })
            .await
            .map_err(|e| AppError::Internal(format!("photo writer: {e}")))?
            .map_err(|e| AppError::Internal(format!("the photo could not be written: {e}")))?;
        }
    }
    Ok(sha)
}

/// A stored photo's bytes.
pub async fn load(app: &App, sha256: &[u8], kind: PhotoKind) -> Result<Vec<u8>, AppError> {
    let missing = || AppError::NotFound("The photo's bytes are missing.".into());
    match app.fixes.photos.dir.clone() {
        None => Ok(app
            .store
            .get_photo(&hex(sha256))
            .await?
            .ok_or_else(missing)?
            .1),
        Some(dir) => {
            let p = path(&dir, sha256, kind);
            tokio::task::spawn_blocking(move || std::fs::read(p))
                .await
                .map_err(|e| AppError::Internal(format!("photo reader: {e}")))?
                .map_err(|_| missing())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG whose APP1 holds an EXIF block with a GPS tag, and a comment.
    pub(crate) fn jpeg_with_gps() -> Vec<u8> {
        let mut v = vec![0xff, 0xd8];
        // APP0 JFIF.
        v.extend([0xff, 0xe0, 0x00, 0x10]);
        v.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        // APP1 Exif: TIFF little-endian, IFD0 with one entry: GPSInfo (0x8825).
        let exif: Vec<u8> = [
            b"Exif\0\0".as_slice(),
            b"II*\0\x08\0\0\0",
            &[1, 0],
            &[0x25, 0x88, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0],
            &[0, 0, 0, 0],
            b"GPS 59.8586N 17.6389E",
        ]
        .concat();
        v.extend([0xff, 0xe1]);
        v.extend(u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
        v.extend(&exif);
        // COM.
        v.extend([0xff, 0xfe, 0x00, 0x0a]);
        v.extend(b"Kamera X");
        // SOF0: 8 bits, 1×1, one component.
        v.extend([0xff, 0xc0, 0x00, 0x0b, 8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
        // SOS and a byte of scan data, then EOI.
        v.extend([
            0xff, 0xda, 0x00, 0x08, 1, 1, 0, 0, 0x3f, 0, 0x00, 0xff, 0xd9,
        ]);
        v
    }

    #[test]
    fn exif_and_comments_are_stripped_and_the_picture_kept() {
        let raw = jpeg_with_gps();
        assert!(raw.windows(4).any(|w| w == b"Exif"));
        let (kind, clean) = clean(&raw, DEFAULT_MAX_BYTES).unwrap();
        assert_eq!(kind, PhotoKind::Jpeg);
        assert!(!clean.windows(4).any(|w| w == b"Exif"), "EXIF gone");
        assert!(!clean.windows(3).any(|w| w == b"GPS"), "GPS gone");
        assert!(!clean.windows(6).any(|w| w == b"Kamera"), "comment gone");
        assert!(clean.windows(4).any(|w| w == b"JFIF"), "JFIF kept");
        let jpeg = img_parts::jpeg::Jpeg::from_bytes(clean.into()).unwrap();
        assert_eq!(jpeg.dimensions(), Some((1, 1)));
    }

    #[test]
    fn too_large_and_not_an_image_are_refused_with_what_to_do() {
        let raw = jpeg_with_gps();
        let e = clean(&raw, 10).unwrap_err().to_string();
        assert!(e.contains("at most") && e.contains("för stort"), "{e}");
        let e = clean(b"%PDF-1.7 not a photo", DEFAULT_MAX_BYTES)
            .unwrap_err()
            .to_string();
        assert!(e.contains("JPEG, PNG or WebP"), "{e}");
        let e = clean(&raw[..20], DEFAULT_MAX_BYTES)
            .unwrap_err()
            .to_string();
        assert!(e.contains("damaged") || e.contains("not a photo"), "{e}");
    }
}
