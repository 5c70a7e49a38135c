//! Text blocks of the main region turned into the text primitives of section 4.1: main text, word and
//! character counts, paragraphs, sentences and the Flesch inputs. Both the HTML walk and the generation C
//! plain-text path feed blocks here, so the two modes count alike.

use super::model::{Paragraph, Sentence, TextStats};
use super::text::{count_words, first_word, is_word, split_sentences, syllables};
use super::{MAX_ITEMS, MAX_MAIN_TEXT_BYTES};

/// What a text block is, from its nearest block element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BlockKind {
    Heading,
    Paragraph,
    Prose,
}

/// Accumulates the blocks of the main region in document order.
#[derive(Default)]
pub(super) struct TextAcc {
    pub main_text: String,
    pub main_text_truncated: bool,
    blocks: u32,
    pub chars: u64,
    pub words: u32,
    pub heading_words: u32,
    /// Words outside heading blocks so far: a heading's `word_offset`.
    pub non_heading_words: u32,
    pub sentences: Vec<Sentence>,
    pub paragraphs: Vec<Paragraph>,
    pub sentence_total: u32,
    pub paragraph_total: u32,
    sentence_words: u32,
    syllables: u64,
    longest_paragraph: u32,
}

impl TextAcc {
    /// Adds one block; `collapsed` must already be collapsed and trimmed. Empty blocks are ignored.
    pub fn push_block(&mut self, kind: BlockKind, collapsed: &str) {
        if collapsed.is_empty() {
            return;
        }
        self.append_main_text(collapsed);
        let words = count_words(collapsed);
        self.words = self.words.saturating_add(words);
        if kind == BlockKind::Heading {
            self.heading_words = self.heading_words.saturating_add(words);
            return;
        }
        self.non_heading_words = self.non_heading_words.saturating_add(words);
        let paragraph = (kind == BlockKind::Paragraph && words > 0).then_some(self.paragraph_total);
        let first_sentence = self.sentence_total;
        let mut sentence_count = 0u32;
        split_sentences(collapsed, |sentence| {
            sentence_count += 1;
            self.push_sentence(sentence, paragraph);
        });
        if paragraph.is_some() {
            self.paragraph_total = self.paragraph_total.saturating_add(1);
            self.longest_paragraph = self.longest_paragraph.max(words);
            if self.paragraphs.len() < MAX_ITEMS {
                let first_sentence = (sentence_count > 0 && (first_sentence as usize) < MAX_ITEMS)
                    .then_some(first_sentence);
                self.paragraphs.push(Paragraph {
                    words,
                    first_sentence,
                    sentence_count,
                });
            }
        }
    }

    fn push_sentence(&mut self, sentence: &str, paragraph: Option<u32>) {
        let mut words = 0u32;
        for token in sentence.split(' ').filter(|t| is_word(t)) {
            words += 1;
            self.syllables += u64::from(syllables(token));
        }
        self.sentence_words = self.sentence_words.saturating_add(words);
        self.sentence_total = self.sentence_total.saturating_add(1);
        if self.sentences.len() < MAX_ITEMS {
            self.sentences.push(Sentence {
                text: sentence.to_owned(),
                words,
                first_word: first_word(sentence),
                paragraph,
            });
        }
    }

    /// Joins blocks with single spaces; counts every character but keeps at most the text cap.
    fn append_main_text(&mut self, block: &str) {
        let separator = u64::from(self.blocks > 0);
        self.blocks = self.blocks.saturating_add(1);
        self.chars += separator + block.chars().count() as u64;
        if self.main_text_truncated {
            return;
        }
        if separator == 1 {
            self.main_text.push(' ');
        }
        let room = MAX_MAIN_TEXT_BYTES.saturating_sub(self.main_text.len());
        let kept = super::text::prefix_at_boundary(block, room);
        self.main_text.push_str(kept);
        if kept.len() < block.len() {
            self.main_text_truncated = true;
        }
    }

    pub fn stats(&self) -> TextStats {
        let flesch = (self.sentence_total > 0 && self.sentence_words > 0).then(|| {
            let words = f64::from(self.sentence_words);
            206.835
                - 1.015 * (words / f64::from(self.sentence_total))
                - 84.6 * (self.syllables as f64 / words)
        });
        TextStats {
            words: self.words,
            heading_words: self.heading_words,
            sentences: self.sentence_total,
            paragraphs: self.paragraph_total,
            longest_paragraph_words: self.longest_paragraph,
            syllables: self.syllables,
            sentence_words: self.sentence_words,
            flesch_reading_ease: flesch,
        }
    }
}
