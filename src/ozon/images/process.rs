//! Optional processing of one image with the `image` crate: convert, cap the longest side, pad
//! to 3:4 on white, and make a plain background transparent by flood fill from the border
//! (a colour-distance rule, not AI). Runs in `spawn_blocking` (see `pipeline`).

use std::collections::VecDeque;
use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};

use super::{OutputFormat, ProcessOptions};
use crate::common::sniff::ImageKind;

pub const DEFAULT_QUALITY: u8 = 85;
/// The longest side a picture may have to be processed (Ozon itself takes up to 10,000 px).
pub const MAX_SIDE: u32 = 12_000;
/// The most pixels a picture may have to be processed: 40 megapixels, so a decoded frame is at
/// most 160 MB and its 3:4 canvas at most 214 MB, whatever the file's few bytes claim.
pub const MAX_PIXELS: u64 = 40_000_000;

/// Decodes with the size read from the header checked first, and the decoder's own allocation
/// capped, so a small file that claims a huge canvas (a decompression bomb) is refused before any
/// pixel memory is taken.
pub fn decode_capped(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, String> {
    let too_big = |w: u32, h: u32| {
        format!(
            "图片过大：{w}×{h} 像素，最长边不能超过 {MAX_SIDE} 像素、总像素不能超过 {} 万",
            MAX_PIXELS / 10_000
        )
    };
    let (w, h) = image::ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|e| format!("图片无法解码：{e}"))?;
    if w.max(h) > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(too_big(w, h));
    }
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => too_big(w, h),
        e => format!("图片无法解码：{e}"),
    })
}
pub const DEFAULT_TOLERANCE: u8 = 24;

/// The processed bytes and their kind.
pub fn apply(
    bytes: &[u8],
    kind: ImageKind,
    opts: &ProcessOptions,
) -> Result<(Vec<u8>, ImageKind), String> {
    let format = match kind {
        ImageKind::Jpeg => ImageFormat::Jpeg,
        ImageKind::Png => ImageFormat::Png,
        ImageKind::Webp => ImageFormat::WebP,
        ImageKind::Gif => ImageFormat::Gif,
        ImageKind::Heic => return Err("HEIC 图片无法处理（可不选处理选项，保存原图）".into()),
    };
    let mut img = decode_capped(bytes, format)?;
    if let Some(side) = opts.max_side {
        if img.width().max(img.height()) > side {
            img = img.resize(side, side, FilterType::CatmullRom);
        }
    }
    let mut alpha = false;
    if opts.remove_background {
        let mut rgba = img.to_rgba8();
        remove_background(&mut rgba, opts.tolerance.unwrap_or(DEFAULT_TOLERANCE));
        img = DynamicImage::ImageRgba8(rgba);
        alpha = true;
    }
    if opts.pad_3x4 {
        img = pad_to_3x4(&img, alpha);
    }
    let target = match (opts.format, alpha, kind) {
        (Some(OutputFormat::Jpeg), false, _) => ImageKind::Jpeg,
        (Some(OutputFormat::Webp), _, _) => ImageKind::Webp,
        (Some(OutputFormat::Png), _, _) | (_, true, _) => ImageKind::Png,
        (None, false, ImageKind::Jpeg) => ImageKind::Jpeg,
        (None, false, ImageKind::Webp) => ImageKind::Webp,
        (None, false, _) => ImageKind::Png,
    };
    let mut out = Cursor::new(Vec::new());
    let encoded = match target {
        ImageKind::Jpeg => {
            let quality = opts.quality.unwrap_or(DEFAULT_QUALITY).clamp(1, 100);
            let rgb = img.to_rgb8();
            rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut out, quality))
        }
        ImageKind::Webp => img
            .to_rgba8()
            .write_with_encoder(WebPEncoder::new_lossless(&mut out)),
        _ => img.to_rgba8().write_with_encoder(PngEncoder::new(&mut out)),
    };
    encoded.map_err(|e| format!("图片编码失败：{e}"))?;
    Ok((out.into_inner(), target))
}

fn distance(a: &Rgba<u8>, b: &Rgba<u8>) -> u32 {
    (0..3)
        .map(|i| (i32::from(a[i]) - i32::from(b[i])).unsigned_abs())
        .max()
        .unwrap_or(0)
}

/// Flood fill from every border pixel close to the corner colour; filled pixels become
/// transparent. Subject pixels the fill cannot reach stay, even if they are white.
pub fn remove_background(img: &mut RgbaImage, tolerance: u8) {
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return;
    }
    let corners = [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)];
    let bg = *img.get_pixel(corners[0].0, corners[0].1);
    let tol = u32::from(tolerance);
    let mut seen = vec![false; (w as usize) * (h as usize)];
    let mut queue = VecDeque::new();
    let idx = |x: u32, y: u32| (y as usize) * (w as usize) + x as usize;
    for x in 0..w {
        queue.push_back((x, 0));
        queue.push_back((x, h - 1));
    }
    for y in 0..h {
        queue.push_back((0, y));
        queue.push_back((w - 1, y));
    }
    while let Some((x, y)) = queue.pop_front() {
        let i = idx(x, y);
        if seen[i] {
            continue;
        }
        seen[i] = true;
        let pixel = img.get_pixel_mut(x, y);
        if distance(pixel, &bg) > tol {
            continue;
        }
        pixel[3] = 0;
        if x > 0 {
            queue.push_back((x - 1, y));
        }
        if y > 0 {
            queue.push_back((x, y - 1));
        }
        if x + 1 < w {
            queue.push_back((x + 1, y));
        }
        if y + 1 < h {
            queue.push_back((x, y + 1));
        }
    }
}

/// Centres the image on a 3:4 canvas: white, or transparent when the background was removed.
pub fn pad_to_3x4(img: &DynamicImage, transparent: bool) -> DynamicImage {
    let (w, h) = (img.width(), img.height());
    // w:h = 3:4 exactly when 4w == 3h.
    let (cw, ch) = if u64::from(w) * 4 > u64::from(h) * 3 {
        (w, (u64::from(w) * 4).div_ceil(3) as u32)
    } else {
        ((u64::from(h) * 3).div_ceil(4) as u32, h)
    };
    if (cw, ch) == (w, h) {
        return img.clone();
    }
    let fill = if transparent {
        Rgba([255, 255, 255, 0])
    } else {
        Rgba([255, 255, 255, 255])
    };
    let mut canvas = RgbaImage::from_pixel(cw, ch, fill);
    image::imageops::overlay(
        &mut canvas,
        &img.to_rgba8(),
        i64::from((cw - w) / 2),
        i64::from((ch - h) / 2),
    );
    DynamicImage::ImageRgba8(canvas)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gray_png(w: u32, h: u32) -> Vec<u8> {
        let img = image::GrayImage::from_pixel(w, h, image::Luma([255]));
        let mut out = Cursor::new(Vec::new());
        img.write_with_encoder(PngEncoder::new(&mut out))
            .expect("encode");
        out.into_inner()
    }

    /// A few kilobytes of PNG that decode to more than the caps are refused by size, with the
    /// picture's real dimensions named, before its pixels are allocated.
    #[test]
    fn oversized_canvases_are_refused() {
        let opts = ProcessOptions {
            pad_3x4: true,
            ..Default::default()
        };
        let wide = gray_png(MAX_SIDE + 1, 1);
        assert!(wide.len() < 10_000, "{}", wide.len());
        let err = apply(&wide, ImageKind::Png, &opts).expect_err("too wide");
        assert!(err.contains("图片过大") && err.contains("12001×1"), "{err}");
        let many = gray_png(7_000, 6_000);
        let err = apply(&many, ImageKind::Png, &opts).expect_err("too many pixels");
        assert!(err.contains("7000×6000"), "{err}");
        // Just under both caps still works.
        let fine = gray_png(1_000, 1_000);
        let (out, kind) = apply(&fine, ImageKind::Png, &opts).expect("fine");
        assert_eq!(kind, ImageKind::Png);
        assert!(!out.is_empty());
    }

    /// A white 40×20 PNG with a red 10×10 square in the middle.
    fn product_png() -> Vec<u8> {
        let mut img = RgbaImage::from_pixel(40, 20, Rgba([255, 255, 255, 255]));
        for x in 15..25 {
            for y in 5..15 {
                img.put_pixel(x, y, Rgba([200, 0, 0, 255]));
            }
        }
        let mut out = Cursor::new(Vec::new());
        img.write_with_encoder(PngEncoder::new(&mut out))
            .expect("encode");
        out.into_inner()
    }

    fn decode(bytes: &[u8]) -> RgbaImage {
        image::load_from_memory(bytes).expect("decode").to_rgba8()
    }

    #[test]
    fn converts_caps_and_pads() {
        let opts = ProcessOptions {
            format: Some(OutputFormat::Jpeg),
            max_side: Some(20),
            pad_3x4: true,
            ..Default::default()
        };
        let (bytes, kind) = apply(&product_png(), ImageKind::Png, &opts).expect("processed");
        assert_eq!(kind, ImageKind::Jpeg);
        assert_eq!(crate::common::sniff::sniff(&bytes), Some(ImageKind::Jpeg));
        let img = decode(&bytes);
        // 40×20 capped to 20×10, then padded to 3:4 → 20×27.
        assert_eq!(img.dimensions(), (20, 27));
        let corner = img.get_pixel(0, 0);
        assert!(
            corner[0] > 240 && corner[1] > 240 && corner[2] > 240,
            "{corner:?}"
        );
    }

    #[test]
    fn removes_a_plain_background_but_keeps_the_subject() {
        let opts = ProcessOptions {
            remove_background: true,
            ..Default::default()
        };
        let (bytes, kind) = apply(&product_png(), ImageKind::Png, &opts).expect("processed");
        assert_eq!(kind, ImageKind::Png);
        let img = decode(&bytes);
        assert_eq!(img.get_pixel(0, 0)[3], 0, "background is transparent");
        assert_eq!(img.get_pixel(20, 10)[3], 255, "subject is kept");
        assert_eq!(img.get_pixel(20, 10)[0], 200);
    }

    #[test]
    fn undecodable_bytes_and_heic_fail_with_a_reason() {
        let opts = ProcessOptions {
            format: Some(OutputFormat::Png),
            ..Default::default()
        };
        let err = apply(b"\x89PNG\r\n\x1a\ngarbage", ImageKind::Png, &opts).expect_err("bad");
        assert!(err.contains("无法解码"), "{err}");
        let err = apply(b"", ImageKind::Heic, &opts).expect_err("heic");
        assert!(err.contains("HEIC"), "{err}");
    }
}
