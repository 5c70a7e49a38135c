//! Content checks (seo-rules.md §3.3): text presence, thin content, placeholder text and the readability
//! checks of release 1. Every check needs the `text` flag of §1.4, absent when a WordPress page withholds or
//! lacks its content. Word-based checks are not applicable for languages written without spaces.

#[cfg(test)]
mod tests;
pub(crate) mod text;

use crate::ctx::Ctx;
use crate::judge;
use serde::{Deserialize, Serialize};
use siloq_sdk::prelude::*;
use std::collections::BTreeMap;

const EMPTY: &str = "content.empty";
const THIN: &str = "content.thin";
const PLACEHOLDER: &str = "content.placeholder";
const PARAGRAPH_LENGTH: &str = "readability.paragraph_length";
const SENTENCE_LENGTH: &str = "readability.sentence_length";
const REPEATED_STARTS: &str = "readability.repeated_starts";

/// Thresholds of the content checks; defaults are the catalogue's.
#[derive(Debug, Deserialize, Serialize)]
#[serde(default)]
pub struct Config {
    /// `content.empty`: main text shorter than this many characters.
    pub empty_min_chars: u32,
    /// `content.thin`: words for full credit, and for half credit.
    pub thin_words: u32,
    pub thin_partial_words: u32,
    /// The same bands for cornerstone pages.
    pub cornerstone_words: u32,
    pub cornerstone_partial_words: u32,
    /// `content.placeholder`: folded phrases (lexicon `placeholder` of §4.3).
    pub placeholders: Vec<String>,
    /// `readability.paragraph_length`: longest paragraph for full credit, and for half credit.
    pub paragraph_max_words: u32,
    pub paragraph_partial_words: u32,
    /// `readability.sentence_length`: a sentence is long above this many words ...
    pub sentence_max_words: u32,
    /// ... or above the limit of its page language.
    pub sentence_max_words_by_language: BTreeMap<String, u32>,
    /// Share of long sentences (percent) for full credit, and for half credit.
    pub long_sentences_max_pct: f64,
    pub long_sentences_partial_pct: f64,
    /// `readability.repeated_starts`: consecutive sentences with the same first word that fail.
    pub repeated_starts_run: u32,
}

impl Default for Config {
    fn default() -> Self {
        let by_language = [
            ("ca", 25),
            ("es", 25),
            ("fa", 25),
            ("it", 25),
            ("pt", 25),
            ("he", 15),
            ("ru", 15),
            ("tr", 15),
        ];
        Config {
            empty_min_chars: 50,
            thin_words: 300,
            thin_partial_words: 200,
            cornerstone_words: 900,
            cornerstone_partial_words: 400,
            placeholders: [
                "lorem ipsum",
                "dolor sit amet, consectetur",
                "this is an example page",
                "this is your first post",
                "edit or delete it, then start writing",
            ]
            .map(String::from)
            .to_vec(),
            paragraph_max_words: 150,
            paragraph_partial_words: 200,
            sentence_max_words: 20,
            sentence_max_words_by_language: by_language
                .into_iter()
                .map(|(lang, limit)| (lang.to_owned(), limit))
                .collect(),
            long_sentences_max_pct: 25.0,
            long_sentences_partial_pct: 30.0,
            repeated_starts_run: 3,
        }
    }
}

pub fn checks() -> Vec<Check> {
    use Category::Content;
    use Severity::*;
    vec![
        Check::new(EMPTY, Content, High, "The page has almost no text"),
        Check::new(THIN, Content, Medium, "Thin content"),
        Check::new(
            PLACEHOLDER,
            Content,
            Medium,
            "Placeholder text left on the page",
        ),
        Check::new(PARAGRAPH_LENGTH, Content, Low, "Paragraphs too long"),
        Check::new(SENTENCE_LENGTH, Content, Low, "Too many long sentences"),
        Check::new(
            REPEATED_STARTS,
            Content,
            Low,
            "Consecutive sentences start with the same word",
        ),
    ]
}

pub fn evaluate<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    if !ctx.flag("text") {
        for id in [
            EMPTY,
            THIN,
            PLACEHOLDER,
            PARAGRAPH_LENGTH,
            SENTENCE_LENGTH,
            REPEATED_STARTS,
        ] {
            out.not_applicable(id);
        }
        return;
    }
    let info = ctx.info();
    let language = text::primary_language(info);
    let unspaced = text::unspaced_language(&language);

    let chars = info.char_count_main;
    let has_text = chars >= config.empty_min_chars;
    judge!(
        out,
        EMPTY,
        credit(has_text),
        "Add content that answers the visitor's question.",
        "The page has almost no text ({chars} {}).",
        text::pl(chars as usize, "character", "characters")
    )
    .detail("chars", chars)
    .detail("min_chars", config.empty_min_chars);

    if unspaced {
        out.not_applicable(THIN);
    } else {
        thin(ctx, config, out);
    }
    placeholder(ctx, config, out);

    if unspaced || !has_text {
        for id in [PARAGRAPH_LENGTH, SENTENCE_LENGTH, REPEATED_STARTS] {
            out.not_applicable(id);
        }
        return;
    }
    paragraph_length(ctx, config, out);
    sentence_length(ctx, config, &language, out);
    repeated_starts(ctx, config, out);
}

/// Credit of a binary check: 1 when it passes.
pub(crate) fn credit(passes: bool) -> f32 {
    if passes { 1.0 } else { 0.0 }
}

/// Credit of a three-band check: 1 up to `full`, 0.5 up to `partial`, else 0.
pub(crate) fn banded<T: PartialOrd>(value: T, full: T, partial: T) -> f32 {
    if value <= full {
        1.0
    } else if value <= partial {
        0.5
    } else {
        0.0
    }
}

fn thin<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    let words = ctx.info().word_count_main;
    let cornerstone = ctx.wordpress().is_some_and(|wp| wp.is_cornerstone);
    let (full, partial) = if cornerstone {
        (config.cornerstone_words, config.cornerstone_partial_words)
    } else {
        (config.thin_words, config.thin_partial_words)
    };
    let credit = if words >= full {
        1.0
    } else if words >= partial {
        0.5
    } else {
        0.0
    };
    judge!(out, THIN, credit,
        "Expand to at least 300 words of useful, original text, or merge the page with a related one.",
        "The page has {words} {} of main content.", text::pl(words as usize, "word", "words"))
    .detail("words", words)
    .detail("min_words", full)
    .detail("cornerstone", cornerstone);
}

fn placeholder<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    let found = if ctx.info().char_count_main == 0 || config.placeholders.is_empty() {
        None
    } else {
        let main = ctx.page.text(MAIN_TEXT_BYTES);
        let folded = text::fold(ctx.page, &main);
        drop(main);
        let phrases: Vec<&str> = config.placeholders.iter().map(String::as_str).collect();
        let phrases = text::fold_all(ctx.page, &phrases);
        phrases
            .into_iter()
            .find(|p| !p.is_empty() && folded.contains(p.as_str()))
    };
    match found {
        None => {
            out.pass(PLACEHOLDER);
        }
        Some(phrase) => {
            out.fail(
                PLACEHOLDER,
                format!("The page still contains placeholder text (\"{phrase}\")."),
            )
            .action("Replace or remove the placeholder content.")
            .detail("phrase", phrase);
        }
    }
}

/// The kernel's own cap on `text()`.
const MAIN_TEXT_BYTES: u32 = 256 * 1024;

fn paragraph_length<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    let paragraphs = ctx.paragraphs();
    if paragraphs.is_empty() {
        out.not_applicable(PARAGRAPH_LENGTH);
        return;
    }
    let longest = paragraphs.iter().map(|p| p.words).max().unwrap_or(0);
    let long = paragraphs
        .iter()
        .filter(|p| p.words > config.paragraph_max_words)
        .count();
    let limit = config.paragraph_max_words;
    judge!(
        out,
        PARAGRAPH_LENGTH,
        banded(
            longest,
            config.paragraph_max_words,
            config.paragraph_partial_words
        ),
        "Split long paragraphs; keep one idea per paragraph.",
        "{long} {} longer than {limit} words (longest {longest}).",
        text::pl(long, "paragraph is", "paragraphs are")
    )
    .detail("long_paragraphs", long)
    .detail("longest", longest)
    .detail("max_words", limit);
}

fn sentence_length<P: PageView>(
    ctx: &Ctx<'_, P>,
    config: &Config,
    language: &str,
    out: &mut Report,
) {
    let sentences = ctx.sentences();
    if sentences.is_empty() {
        out.not_applicable(SENTENCE_LENGTH);
        return;
    }
    let limit = config
        .sentence_max_words_by_language
        .get(language)
        .copied()
        .unwrap_or(config.sentence_max_words);
    let long = sentences.iter().filter(|s| s.words > limit).count();
    let pct = 100.0 * long as f64 / sentences.len() as f64;
    let shown = pct.round();
    judge!(
        out,
        SENTENCE_LENGTH,
        banded(
            pct,
            config.long_sentences_max_pct,
            config.long_sentences_partial_pct
        ),
        "Break long sentences into shorter ones.",
        "{shown} % of sentences are longer than {limit} words."
    )
    .detail("pct", text::round2(pct))
    .detail("long_sentences", long)
    .detail("sentences", sentences.len())
    .detail("limit", limit);
}

fn repeated_starts<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    let sentences = ctx.sentences();
    if sentences.len() < 3 {
        out.not_applicable(REPEATED_STARTS);
        return;
    }
    // The longest run of consecutive sentences sharing a first word (the first such run on ties).
    let (mut best, mut best_at) = (1usize, 0usize);
    let (mut run, mut start) = (1usize, 0usize);
    for i in 1..sentences.len() {
        let word = &sentences[i].first_word;
        if !word.is_empty() && *word == sentences[i - 1].first_word {
            run += 1;
        } else {
            run = 1;
            start = i;
        }
        if run > best {
            best = run;
            best_at = start;
        }
    }
    let word = if best > 1 {
        sentences[best_at].first_word.as_str()
    } else {
        ""
    };
    let passes = best < config.repeated_starts_run as usize;
    let builder = judge!(
        out,
        REPEATED_STARTS,
        credit(passes),
        "Vary how sentences begin.",
        "{best} sentences in a row start with \"{word}\"."
    )
    .detail("run", best);
    if !passes {
        builder.detail("word", word);
    }
}
