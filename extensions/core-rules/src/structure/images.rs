//! Image checks: alt text (missing, too long, shared by different images), images in the content and
//! declared dimensions.

use super::Config;
use crate::content::credit;
use crate::content::text::AffectedAll;
use crate::content::text::{char_count, fold_all, pl};
use crate::ctx::Ctx;
use crate::judge;
use siloq_sdk::prelude::*;
use std::collections::BTreeMap;

const ALT_MISSING: &str = "images.alt.missing";
const ALT_TOO_LONG: &str = "images.alt.too_long";
const ALT_DUPLICATE: &str = "images.alt.duplicate";
const NONE: &str = "images.none";
const NO_DIMENSIONS: &str = "images.no_dimensions";

pub fn checks() -> Vec<Check> {
    use Capability::FullDocument;
    use Category::Structure;
    use Severity::*;
    vec![
        Check::new(
            ALT_MISSING,
            Structure,
            Medium,
            "Images without alt attribute",
        ),
        Check::new(ALT_TOO_LONG, Structure, Low, "Alt text too long"),
        Check::new(
            ALT_DUPLICATE,
            Structure,
            Low,
            "Same alt text on different images",
        ),
        Check::new(NONE, Structure, Low, "No images in the content"),
        Check::new(
            NO_DIMENSIONS,
            Structure,
            Low,
            "Images without width and height",
        )
        .requires(FullDocument),
    ]
}

/// The effective source of an image, for references and comparisons.
fn source(image: &Image) -> &str {
    image
        .src_abs
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or(&image.src)
}

/// The alt text when it is present and not blank.
fn alt_text(image: &Image) -> Option<&str> {
    image
        .alt
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
}

pub fn evaluate<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    if !ctx.flag("images") {
        for id in [
            ALT_MISSING,
            ALT_TOO_LONG,
            ALT_DUPLICATE,
            NONE,
            NO_DIMENSIONS,
        ] {
            out.not_applicable(id);
        }
        return;
    }
    let images = ctx.images();
    alt_missing(config, images, out);
    alt_too_long(config, images, out);
    alt_duplicate(ctx, images, out);

    let words = ctx.info().word_count_main;
    if ctx.flag("text") && words >= config.images_min_words {
        let in_main = images.iter().filter(|i| i.in_main).count();
        judge!(
            out,
            NONE,
            credit(in_main > 0),
            "Add at least one relevant image or diagram.",
            "The content has no images."
        )
        .detail("images", in_main)
        .detail("words", words);
    } else {
        out.not_applicable(NONE);
    }

    if ctx.is_scan() && !images.is_empty() {
        let missing: Vec<&Image> = images
            .iter()
            .filter(|i| i.width.is_none() || i.height.is_none())
            .collect();
        let n = missing.len();
        judge!(
            out,
            NO_DIMENSIONS,
            credit(n == 0),
            "Set width and height (or an aspect ratio) to prevent layout shift.",
            "{n} {} no width and height.",
            pl(n, "image has", "images have")
        )
        .detail("images_without_dimensions", n)
        .detail("images", images.len())
        .affected_all(missing.iter().map(|i| source(i)));
    } else {
        out.not_applicable(NO_DIMENSIONS);
    }
}

/// Images not hidden from assistive technology without an alt attribute or an ARIA label; `alt=""` marks a
/// decorative image and is not missing.
fn alt_missing(config: &Config, images: &[Image], out: &mut Report) {
    let visible = images.iter().filter(|i| !i.decorative);
    let m = visible.clone().count();
    if m == 0 {
        out.not_applicable(ALT_MISSING);
        return;
    }
    let missing: Vec<&Image> = visible
        .filter(|i| i.alt.is_none() && i.aria_label.as_deref().is_none_or(|l| l.trim().is_empty()))
        .collect();
    let n = missing.len();
    let pct = 100.0 * n as f64 / m as f64;
    let credit = if n == 0 {
        1.0
    } else if pct <= config.alt_missing_partial_pct {
        0.5
    } else {
        0.0
    };
    judge!(
        out,
        ALT_MISSING,
        credit,
        "Describe informative images in alt text; use alt=\"\" for purely decorative ones.",
        "{n} of {m} {} no alt attribute.",
        match (m, n) {
            (1, _) => "image has",
            (_, 1) => "images has",
            _ => "images have",
        }
    )
    .detail("missing", n)
    .detail("images", m)
    .affected_all(missing.iter().map(|i| source(i)));
}

fn alt_too_long(config: &Config, images: &[Image], out: &mut Report) {
    let with_alt = images.iter().filter(|i| alt_text(i).is_some());
    if with_alt.clone().next().is_none() {
        out.not_applicable(ALT_TOO_LONG);
        return;
    }
    let limit = config.alt_max_chars as usize;
    let long: Vec<&Image> = with_alt
        .filter(|i| alt_text(i).is_some_and(|a| char_count(a) > limit))
        .collect();
    let n = long.len();
    judge!(
        out,
        ALT_TOO_LONG,
        credit(n == 0),
        "Keep alt text short and specific.",
        "{n} {} alt text longer than {limit} characters.",
        pl(n, "image has", "images have")
    )
    .detail("long_alts", n)
    .detail("max_chars", limit)
    .affected_all(long.iter().map(|i| source(i)));
}

/// One folded alt text used on images with two or more different sources.
fn alt_duplicate<P: PageView>(ctx: &Ctx<'_, P>, images: &[Image], out: &mut Report) {
    let with_alt: Vec<(&Image, &str)> = images
        .iter()
        .filter_map(|i| alt_text(i).map(|a| (i, a)))
        .collect();
    if with_alt.len() < 2 {
        out.not_applicable(ALT_DUPLICATE);
        return;
    }
    let alts: Vec<&str> = with_alt.iter().map(|(_, a)| *a).collect();
    let folded = fold_all(ctx.page, &alts);
    // Folded alt → its distinct sources (a BTreeMap keeps the outcome independent of hashing).
    let mut sources: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for ((image, _), key) in with_alt.iter().zip(&folded) {
        let group = sources.entry(key.as_str()).or_default();
        let src = source(image);
        if !group.contains(&src) {
            group.push(src);
        }
    }
    // The images whose alt is shared with a different image, in document order.
    let shared: Vec<(&Image, &str)> = with_alt
        .iter()
        .zip(&folded)
        .filter(|(_, key)| sources.get(key.as_str()).is_some_and(|g| g.len() >= 2))
        .map(|(pair, _)| *pair)
        .collect();
    let n = shared.len();
    let example = shared.first().map(|(_, alt)| *alt).unwrap_or_default();
    judge!(
        out,
        ALT_DUPLICATE,
        credit(n == 0),
        "Describe each image on its own terms.",
        "{n} images share alt text with a different image (\"{example}\")."
    )
    .detail("images", n)
    .affected_all(shared.iter().map(|(i, _)| source(i)));
}
