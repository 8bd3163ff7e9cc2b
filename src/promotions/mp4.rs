//! What an uploaded file is, by its first bytes, and an MP4's duration from its `mvhd` box.

use crate::storage::MediaStore;

/// What a file turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniffed {
    Mp4,
    Jpeg,
    Png,
    Webp,
}

impl Sniffed {
    pub fn of(head: &[u8]) -> Option<Sniffed> {
        if head.len() >= 12 && &head[4..8] == b"ftyp" {
            Some(Sniffed::Mp4)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Sniffed::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Sniffed::Png)
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(Sniffed::Webp)
        } else {
            None
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            Sniffed::Mp4 => "mp4",
            Sniffed::Jpeg => "jpg",
            Sniffed::Png => "png",
            Sniffed::Webp => "webp",
        }
    }
}

/// An MP4 box header at the start of `bytes`: (total size, type, header length). A size of 0
/// means "to the end of the file" (`rest`).
pub fn box_header(bytes: &[u8], rest: u64) -> Option<(u64, [u8; 4], u64)> {
    let size = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as u64;
    let kind: [u8; 4] = bytes.get(4..8)?.try_into().ok()?;
    match size {
        1 => {
            let large = u64::from_be_bytes(bytes.get(8..16)?.try_into().ok()?);
            (large >= 16).then_some((large, kind, 16))
        }
        0 => Some((rest, kind, 8)),
        n if n >= 8 => Some((n, kind, 8)),
        _ => None,
    }
}

/// The duration in milliseconds from a `moov` box's contents (its `mvhd`).
pub fn mvhd_duration_ms(moov: &[u8]) -> Option<i64> {
    let mut at = 0usize;
    while at + 8 <= moov.len() {
        let (size, kind, header) = box_header(&moov[at..], (moov.len() - at) as u64)?;
        if &kind == b"mvhd" {
            let body = moov.get(at + header as usize..)?;
            let version = *body.first()?;
            let (scale, duration) = if version == 1 {
                (
                    u32::from_be_bytes(body.get(20..24)?.try_into().ok()?) as u64,
                    u64::from_be_bytes(body.get(24..32)?.try_into().ok()?),
                )
            } else {
                (
                    u32::from_be_bytes(body.get(12..16)?.try_into().ok()?) as u64,
                    u32::from_be_bytes(body.get(16..20)?.try_into().ok()?) as u64,
                )
            };
            if scale == 0 {
                return None;
            }
            return i64::try_from(duration.checked_mul(1000)? / scale).ok();
        }
        at = at.checked_add(usize::try_from(size).ok()?)?;
    }
    None
}

/// Walks a stored MP4's top-level boxes by range reads to its `moov` and reads the duration.
pub async fn stored_duration_ms(media: &MediaStore, key: &str, len: u64) -> Option<i64> {
    let mut at = 0u64;
    for _ in 0..64 {
        if at + 8 > len {
            return None;
        }
        let head = media.get_range(key, at..(at + 16).min(len)).await.ok()?;
        let (size, kind, header) = box_header(&head, len - at)?;
        if &kind == b"moov" {
            // A moov of a 15-minute video is a few MB; refuse anything absurd.
            if size > 64 * 1024 * 1024 || at + size > len {
                return None;
            }
            let moov = media.get_range(key, at + header..at + size).await.ok()?;
            return mvhd_duration_ms(&moov);
        }
        at = at.checked_add(size)?;
    }
    None
}

#[cfg(all(test, feature = "sim"))]
mod tests {
    use super::*;

    fn mp4(duration_ms: u32, padding: usize) -> Vec<u8> {
        crate::sim::douyin::content::sample_mp4(duration_ms, 136 + padding + 8)
    }

    #[test]
    fn sniffs_by_content_not_name() {
        assert_eq!(Sniffed::of(&mp4(1000, 0)), Some(Sniffed::Mp4));
        assert_eq!(
            Sniffed::of(b"\xFF\xD8\xFF\xE0 jpeg here"),
            Some(Sniffed::Jpeg)
        );
        assert_eq!(Sniffed::of(b"<script>alert(1)</script>"), None);
        assert_eq!(Sniffed::of(b""), None);
    }

    #[test]
    fn reads_the_duration_from_mvhd() {
        let file = mp4(95_500, 10);
        let (size, kind, header) = box_header(&file[20..], 1000).expect("moov");
        assert_eq!(&kind, b"moov");
        let moov = &file[20 + header as usize..20 + size as usize];
        assert_eq!(mvhd_duration_ms(moov), Some(95_500));
        assert_eq!(mvhd_duration_ms(b"garbage"), None);
        assert_eq!(box_header(&[0, 0, 0, 3, b'a', b'b', b'c', b'd'], 9), None);
    }
}
