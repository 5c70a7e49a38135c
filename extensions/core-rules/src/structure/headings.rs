//! Heading checks: the H1 (per mode), empty headings, skipped levels and the spacing of subheadings.

use super::{Config, heading_ref};
use crate::content::text::AffectedAll;
use crate::content::text::{pl, word_count};
use crate::content::{banded, credit};
use crate::ctx::Ctx;
use crate::judge;
use siloq_sdk::prelude::*;

const H1_MISSING: &str = "headings.h1.missing";
const H1_MULTIPLE: &str = "headings.h1.multiple";
const H1_IN_CONTENT: &str = "headings.h1.in_content";
const EMPTY: &str = "headings.empty";
const SKIPPED_LEVEL: &str = "headings.skipped_level";
const SUBHEADINGS: &str = "headings.subheading_distribution";

pub fn checks() -> Vec<Check> {
    use Capability::{FullDocument, Wordpress};
    use Category::Structure;
    use Severity::*;
    vec![
        Check::new(H1_MISSING, Structure, High, "No H1 heading").requires(FullDocument),
        Check::new(H1_MULTIPLE, Structure, Medium, "More than one H1 heading")
            .requires(FullDocument),
        Check::new(
            H1_IN_CONTENT,
            Structure,
            Medium,
            "H1 heading inside the content",
        )
        .requires(Wordpress),
        Check::new(EMPTY, Structure, Medium, "Empty headings"),
        Check::new(SKIPPED_LEVEL, Structure, Low, "Skipped heading level"),
        Check::new(
            SUBHEADINGS,
            Structure,
            Medium,
            "Long stretches of text without a subheading",
        ),
    ]
}

pub fn evaluate<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    subheading_distribution(ctx, config, out);
    if !ctx.flag("headings") {
        for id in [H1_MISSING, H1_MULTIPLE, H1_IN_CONTENT, EMPTY, SKIPPED_LEVEL] {
            out.not_applicable(id);
        }
        return;
    }
    let headings = ctx.headings();
    let h1 = headings.iter().filter(|h| h.level == 1).count();
    if ctx.is_scan() {
        judge!(
            out,
            H1_MISSING,
            credit(h1 > 0),
            "Add one H1 that states what the page is about.",
            "The page has no H1 heading."
        )
        .detail("h1", h1);
        let h1_refs = headings.iter().filter(|h| h.level == 1).map(heading_ref);
        judge!(
            out,
            H1_MULTIPLE,
            credit(h1 <= 1),
            "Keep one H1 and turn the others into H2.",
            "The page has {h1} H1 headings."
        )
        .detail("h1", h1)
        .affected_all(h1_refs.filter(|_| h1 > 1));
        out.not_applicable(H1_IN_CONTENT);
    } else {
        out.not_applicable(H1_MISSING);
        out.not_applicable(H1_MULTIPLE);
        let shown = h1 + 1;
        judge!(out, H1_IN_CONTENT, credit(h1 == 0), "Use H2 and lower for headings inside the content.",
            "The content contains {h1} H1 heading(s); with the theme's title the page shows {shown}.")
        .detail("h1", h1);
    }

    if headings.is_empty() {
        out.not_applicable(EMPTY);
        out.not_applicable(SKIPPED_LEVEL);
        return;
    }

    let empty: Vec<&Heading> = headings
        .iter()
        .filter(|h| word_count(&h.text) == 0)
        .collect();
    let n = empty.len();
    judge!(
        out,
        EMPTY,
        credit(n == 0),
        "Give them text or remove them; page builders often leave empty heading widgets.",
        "{n} {} empty.",
        pl(n, "heading is", "headings are")
    )
    .detail("empty", n)
    .detail("headings", headings.len())
    .affected_all(empty.iter().map(|h| format!("H{}", h.level)));

    // Walk from level 1: a first heading may be an H2 (below the page title), never an H3.
    let mut previous = 1u8;
    let mut jump: Option<(u8, &Heading)> = None;
    let mut jumps = 0usize;
    for heading in headings {
        if heading.level > previous.saturating_add(1) {
            jumps += 1;
            jump.get_or_insert((previous, heading));
        }
        previous = heading.level;
    }
    let (from, to) = jump.map_or((0, 0), |(from, h)| (from, h.level));
    judge!(
        out,
        SKIPPED_LEVEL,
        credit(jump.is_none()),
        "Nest headings in order: H1, H2, H3.",
        "Heading levels jump from H{from} to H{to}."
    )
    .detail("jumps", jumps)
    .affected_all(jump.map(|(_, h)| heading_ref(h)));
}

/// Subheadings (H2–H6 of the main region) split the main text into blocks; no block may run long.
fn subheading_distribution<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    let words = ctx.info().word_count_main;
    if !(ctx.flag("markup") && ctx.flag("text") && ctx.flag("headings")) || words == 0 {
        out.not_applicable(SUBHEADINGS);
        return;
    }
    let headings = ctx.headings();
    // Words of the main region outside headings: the offsets count those.
    let heading_words: usize = headings
        .iter()
        .filter(|h| h.in_main)
        .map(|h| word_count(&h.text))
        .sum();
    let body_words = (words as usize).saturating_sub(heading_words) as u32;

    let mut previous = 0u32;
    let mut blocks: Vec<u32> = Vec::new();
    for heading in headings.iter().filter(|h| h.in_main && h.level >= 2) {
        let offset = heading
            .word_offset
            .clamp(previous, body_words.max(previous));
        blocks.push(offset - previous);
        previous = offset;
    }
    let subheadings = blocks.len();
    let limit = config.subheading_max_words;
    if subheadings == 0 {
        let max = words;
        let passes = max <= config.subheading_max_words;
        let long = usize::from(!passes);
        judge!(
            out,
            SUBHEADINGS,
            credit(passes),
            "Add a descriptive subheading every 250–300 words.",
            "{long} {} longer than {limit} words without a subheading (longest {max}).",
            pl(long, "section runs", "sections run")
        )
        .detail("subheadings", 0u32)
        .detail("longest", max);
        return;
    }
    blocks.push(body_words.saturating_sub(previous));
    let max = blocks.iter().copied().max().unwrap_or(0);
    let long = blocks
        .iter()
        .filter(|&&b| b > config.subheading_max_words)
        .count();
    judge!(
        out,
        SUBHEADINGS,
        banded(
            max,
            config.subheading_max_words,
            config.subheading_partial_words
        ),
        "Add a descriptive subheading every 250–300 words.",
        "{long} {} longer than {limit} words without a subheading (longest {max}).",
        pl(long, "section runs", "sections run")
    )
    .detail("subheadings", subheadings)
    .detail("long_sections", long)
    .detail("longest", max);
}
