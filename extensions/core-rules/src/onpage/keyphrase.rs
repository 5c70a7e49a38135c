//! Focus keyphrase checks (seo-rules.md §3.2, "Keyphrase matching"): the keyphrase and the compared text are
//! folded and split into tokens; content words are matched per word and order-free, a keyphrase written in
//! double quotes only as its exact token sequence. No stemming in release 1.

use super::{Config, effective_description, effective_title};
use crate::content::credit;
use crate::content::text::{self, fold, fold_all, tokens};
use crate::ctx::Ctx;
use crate::judge;
use siloq_sdk::prelude::*;

const MISSING: &str = "keyphrase.missing";
const IN_TITLE: &str = "keyphrase.in_title";
const IN_DESCRIPTION: &str = "keyphrase.in_description";
const IN_INTRO: &str = "keyphrase.in_intro";
const DENSITY: &str = "keyphrase.density";
const STUFFING: &str = "keyphrase.stuffing";

pub fn checks() -> Vec<Check> {
    use Capability::Keyphrase;
    use Category::Onpage;
    use Severity::*;
    vec![
        Check::new(MISSING, Onpage, Low, "No focus keyphrase set (advisory)"),
        Check::new(
            IN_TITLE,
            Onpage,
            Medium,
            "Keyphrase not at the start of the title",
        )
        .requires(Keyphrase),
        Check::new(
            IN_DESCRIPTION,
            Onpage,
            Medium,
            "Keyphrase not used once in the meta description",
        )
        .requires(Keyphrase),
        Check::new(
            IN_INTRO,
            Onpage,
            Medium,
            "Keyphrase not in the opening paragraph",
        )
        .requires(Keyphrase),
        Check::new(DENSITY, Onpage, Medium, "Keyphrase density out of range").requires(Keyphrase),
        Check::new(STUFFING, Onpage, High, "Keyword stuffing").requires(Keyphrase),
    ]
}

/// The focus keyphrase as it is matched.
struct Phrase<'k> {
    /// Folded tokens, function words included.
    tokens: Vec<&'k str>,
    /// Index of the first content word in `tokens` (leading function words come before it).
    lead: usize,
    /// Content words, folded.
    words: Vec<&'k str>,
    /// Written in double quotes: matched only as the exact token sequence.
    exact: bool,
}

impl<'k> Phrase<'k> {
    fn new(keyphrase: &'k Keyphrase) -> Option<Self> {
        let tokens: Vec<&str> = tokens(&keyphrase.normalized).collect();
        if tokens.is_empty() {
            return None;
        }
        let mut words: Vec<&str> = keyphrase
            .words
            .iter()
            .map(String::as_str)
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            words = tokens.clone();
        }
        let lead = tokens.iter().position(|t| *t == words[0]).unwrap_or(0);
        let raw = keyphrase.text.trim();
        let quoted = |c: char| matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}');
        let exact = raw.chars().count() >= 2 && raw.starts_with(quoted) && raw.ends_with(quoted);
        Some(Phrase {
            tokens,
            lead,
            words,
            exact,
        })
    }

    /// Number of content words (L of the density formula).
    fn len(&self) -> usize {
        self.words.len()
    }

    /// The exact token sequence occurs in `unit`.
    fn sequence_in(&self, unit: &[&str]) -> bool {
        unit.windows(self.tokens.len())
            .any(|w| w == self.tokens.as_slice())
    }

    /// The keyphrase is found in `unit`: all content words (exact: the token sequence).
    fn found_in(&self, unit: &[&str]) -> bool {
        if self.exact {
            self.sequence_in(unit)
        } else {
            self.words.iter().all(|w| unit.contains(w))
        }
    }

    /// Matches in one text unit: the fewest occurrences of any content word (exact: occurrences of the
    /// token sequence).
    fn matches(&self, unit: &[&str]) -> usize {
        if self.exact {
            unit.windows(self.tokens.len())
                .filter(|w| *w == self.tokens.as_slice())
                .count()
        } else {
            self.words
                .iter()
                .map(|w| unit.iter().filter(|t| *t == w).count())
                .min()
                .unwrap_or(0)
        }
    }

    /// `unit` (a title) starts with the keyphrase once its leading function words are dropped. The keyphrase
    /// may itself start with function words ("how to ..."): it matches with or without them.
    fn starts(&self, unit: &[&str], unit_lead: usize) -> bool {
        let core = if self.exact {
            &self.tokens[..]
        } else {
            &self.tokens[self.lead..]
        };
        (0..=unit_lead.min(unit.len()))
            .any(|i| unit[i..].starts_with(&self.tokens) || unit[i..].starts_with(core))
    }
}

pub fn evaluate<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    let keyphrase = ctx.keyphrase().filter(|k| !k.normalized.trim().is_empty());
    let phrase = keyphrase.and_then(Phrase::new);
    let (Some(keyphrase), Some(phrase)) = (keyphrase, phrase) else {
        // Advisory: weight 0 whatever the outcome.
        out.fail(
            MISSING,
            "No focus keyphrase is set, so keyphrase checks were skipped.",
        )
        .action("Set a focus keyphrase (in the SEO plugin or in Siloq) to unlock them.")
        .weight(0.0);
        for id in [IN_TITLE, IN_DESCRIPTION, IN_INTRO, DENSITY, STUFFING] {
            out.not_applicable(id);
        }
        return;
    };
    out.pass(MISSING).weight(0.0);
    let shown = keyphrase.text.trim();
    in_title(ctx, &phrase, shown, out);
    in_description(ctx, config, &phrase, out);
    in_intro(ctx, &phrase, out);
    density(ctx, config, &phrase, out);
}

fn in_title<P: PageView>(ctx: &Ctx<'_, P>, phrase: &Phrase<'_>, shown: &str, out: &mut Report) {
    let Some(title) = effective_title(ctx).filter(|_| ctx.flag("title")) else {
        out.not_applicable(IN_TITLE);
        return;
    };
    let folded = fold(ctx.page, title);
    let unit: Vec<&str> = tokens(&folded).collect();
    // The title's leading function words end at its first content word.
    let lead = ctx
        .page
        .content_words(title)
        .first()
        .and_then(|first| unit.iter().position(|t| t == first))
        .unwrap_or(0);
    let credit = if phrase.starts(&unit, lead) {
        1.0
    } else if phrase.sequence_in(&unit) || (!phrase.exact && phrase.found_in(&unit)) {
        0.5
    } else {
        0.0
    };
    let problem = if credit > 0.0 {
        "is not at the start of"
    } else {
        "is missing from"
    };
    judge!(
        out,
        IN_TITLE,
        credit,
        "Put the keyphrase near the start of the title.",
        "The focus keyphrase \"{shown}\" {problem} the title."
    )
    .detail("keyphrase", shown)
    .detail("title", title);
}

fn in_description<P: PageView>(
    ctx: &Ctx<'_, P>,
    config: &Config,
    phrase: &Phrase<'_>,
    out: &mut Report,
) {
    let Some(description) = effective_description(ctx).filter(|_| ctx.flag("description")) else {
        out.not_applicable(IN_DESCRIPTION);
        return;
    };
    let sentences: Vec<String> = ctx
        .page
        .fact("analysis.description_sentences")
        .and_then(|json| serde_json::from_str(&json).ok())
        .filter(|s: &Vec<String>| !s.is_empty())
        .unwrap_or_else(|| vec![description.to_owned()]);
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let folded = fold_all(ctx.page, &texts);
    let mut unit: Vec<&str> = Vec::new();
    let mut n = 0usize;
    for sentence in &folded {
        unit.clear();
        unit.extend(tokens(sentence));
        n += usize::from(phrase.found_in(&unit));
    }
    let passes = n >= 1 && n <= config.description_max_keyphrase_sentences as usize;
    let problem = if n == 0 {
        "does not mention"
    } else {
        "repeats"
    };
    judge!(
        out,
        IN_DESCRIPTION,
        credit(passes),
        "Use the keyphrase once, naturally.",
        "The meta description {problem} the keyphrase ({n} {}).",
        text::pl(n, "sentence", "sentences")
    )
    .detail("sentences_with_keyphrase", n)
    .detail("sentences", sentences.len());
}

fn in_intro<P: PageView>(ctx: &Ctx<'_, P>, phrase: &Phrase<'_>, out: &mut Report) {
    let Some(first) = ctx.paragraphs().first().filter(|_| ctx.flag("text")) else {
        out.not_applicable(IN_INTRO);
        return;
    };
    let sentences = ctx.sentences();
    let start = (first.first_sentence as usize).min(sentences.len());
    let end = start
        .saturating_add(first.sentence_count as usize)
        .min(sentences.len());
    let texts: Vec<&str> = if start < end {
        sentences[start..end]
            .iter()
            .map(|s| s.text.as_str())
            .collect()
    } else {
        sentences
            .iter()
            .filter(|s| s.paragraph == Some(0))
            .map(|s| s.text.as_str())
            .collect()
    };
    if texts.is_empty() {
        out.not_applicable(IN_INTRO);
        return;
    }
    let folded = fold_all(ctx.page, &texts);
    let mut whole: Vec<&str> = Vec::new();
    let mut in_one = false;
    for sentence in &folded {
        let from = whole.len();
        whole.extend(tokens(sentence));
        in_one = in_one || phrase.found_in(&whole[from..]);
    }
    let credit = if in_one {
        1.0
    } else if phrase.found_in(&whole) {
        0.5
    } else {
        0.0
    };
    let message = if credit > 0.0 {
        "The keyphrase is in the opening paragraph, but not within one sentence."
    } else {
        "The keyphrase is not in the opening paragraph."
    };
    judge!(
        out,
        IN_INTRO,
        credit,
        "Mention the topic in the first sentence or two.",
        "{message}"
    )
    .detail("sentences", texts.len());
}

/// `keyphrase.density` and `keyphrase.stuffing` share the weighted density (Yoast's formula):
/// `d = matches / words × 100 × (0.7 + L/3)`.
fn density<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, phrase: &Phrase<'_>, out: &mut Report) {
    let words = ctx.info().word_count_main;
    if !ctx.flag("text") || words < config.keyphrase_min_words || words == 0 {
        out.not_applicable(DENSITY);
        out.not_applicable(STUFFING);
        return;
    }
    // Text units: the sentences, plus every heading of the main region as one unit.
    let units: Vec<&str> = ctx
        .sentences()
        .iter()
        .map(|s| s.text.as_str())
        .chain(
            ctx.headings()
                .iter()
                .filter(|h| h.in_main)
                .map(|h| h.text.as_str()),
        )
        .collect();
    let folded = fold_all(ctx.page, &units);
    drop(units);
    let mut unit: Vec<&str> = Vec::new();
    let mut count = 0usize;
    for text in &folded {
        unit.clear();
        unit.extend(tokens(text));
        count += phrase.matches(&unit);
    }
    let d = count as f64 / f64::from(words) * 100.0 * (0.7 + phrase.len() as f64 / 3.0);
    let pct = format!("{d:.2}");

    let in_band = d >= config.density_min_pct
        && d <= config.density_max_pct
        && count >= config.density_min_matches as usize;
    let action = if d > config.density_max_pct {
        "Too many: cut repetitions."
    } else {
        "Too few: use the keyphrase or close variants where natural."
    };
    judge!(
        out,
        DENSITY,
        credit(in_band),
        action,
        "The keyphrase appears {count} {} (weighted density {pct} %).",
        text::pl(count, "time", "times")
    )
    .detail("matches", count)
    .detail("words", words)
    .detail("density_pct", text::round2(d));

    judge!(
        out,
        STUFFING,
        credit(d <= config.stuffing_pct),
        "Rewrite with synonyms and natural wording; aim for 0.5–3 %.",
        "The keyphrase appears {count} {} ({pct} %), which reads as keyword stuffing.",
        text::pl(count, "time", "times")
    )
    .detail("matches", count)
    .detail("density_pct", text::round2(d));
}
