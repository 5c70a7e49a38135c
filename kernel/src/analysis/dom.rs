//! HTML5 parsing with bounded cost: html5ever's tokenizer and tree builder building scraper's arena tree,
//! with a nesting guard between the two.
//!
//! Why the guard: several tree-construction steps scan the stack of open elements (for example "close a
//! `p` element in button scope" on every `<div>`), so 100 000 nested `<div>`s cost O(n²): seconds at 20 000,
//! minutes at 100 000. Like browsers (Blink caps the tree depth at 512), start tags that would nest deeper
//! than [`MAX_DEPTH`] are dropped: their content lands in the deepest allowed ancestor, and their end tags
//! are ignored by the tree builder as stray. The arena tree (`ego_tree`) drops without recursion, and every
//! walk over it in this module tree is iterative.

use super::MAX_DEPTH;
use ego_tree::NodeId;
use html5ever::interface::Tracer;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts, TreeSink};
use html5ever::{LocalName, TokenizerResult, local_name};
use scraper::{Html, HtmlTreeSink};
use std::cell::Cell;

/// A parsed document and whether the nesting guard had to act.
pub(super) struct Parsed {
    pub html: Html,
    pub depth_limited: bool,
}

/// Parses `input` as a whole HTML document (never panics on any input).
pub(super) fn parse_document(input: &str) -> Parsed {
    let builder = TreeBuilder::new(
        HtmlTreeSink::new(Html::new_document()),
        TreeBuilderOpts::default(),
    );
    let guard = DepthGuard {
        inner: builder,
        estimate: Cell::new(0),
        limited: Cell::new(false),
    };
    let tokenizer = Tokenizer::new(guard, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(input));
    // `Script` and encoding-indicator results only pause the tokenizer for the caller: there is no script
    // to run, and the text is already decoded, so keep feeding until the input is used up.
    while !matches!(tokenizer.feed(&queue), TokenizerResult::Done) {}
    tokenizer.end();
    let guard = tokenizer.sink;
    let depth_limited = guard.limited.get();
    Parsed {
        html: guard.inner.sink.finish(),
        depth_limited,
    }
}

/// Forwards tokens to the tree builder, dropping start tags that would nest deeper than [`MAX_DEPTH`].
struct DepthGuard {
    inner: TreeBuilder<NodeId, HtmlTreeSink>,
    /// An upper bound of the open-element count: raised by every forwarded start tag, lowered only when
    /// re-measured. Re-measuring costs O(depth), so it happens only when the bound reaches the limit.
    estimate: Cell<usize>,
    limited: Cell<bool>,
}

impl DepthGuard {
    /// The number of handles the tree builder holds: its open elements plus its (usually short) list of
    /// active formatting elements and element pointers, so never below the real depth.
    fn measure(&self) -> usize {
        let counter = HandleCounter(Cell::new(0));
        self.inner.trace_handles(&counter);
        counter.0.get()
    }
}

struct HandleCounter(Cell<usize>);

impl Tracer for HandleCounter {
    type Handle = NodeId;
    fn trace_handle(&self, _node: &NodeId) {
        self.0.set(self.0.get() + 1);
    }
}

impl TokenSink for DepthGuard {
    type Handle = NodeId;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<NodeId> {
        if let Token::TagToken(tag) = &token
            && tag.kind == TagKind::StartTag
            && !is_void(&tag.name)
        {
            if self.estimate.get() + 1 >= MAX_DEPTH {
                self.estimate.set(self.measure());
                if self.estimate.get() + 1 >= MAX_DEPTH {
                    self.limited.set(true);
                    return TokenSinkResult::Continue;
                }
            }
            self.estimate.set(self.estimate.get() + 1);
        }
        self.inner.process_token(token, line_number)
    }

    fn end(&self) {
        self.inner.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.inner
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// HTML void elements: they never stay open, so they cannot deepen the tree.
fn is_void(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("area")
            | local_name!("base")
            | local_name!("br")
            | local_name!("col")
            | local_name!("embed")
            | local_name!("hr")
            | local_name!("img")
            | local_name!("input")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("source")
            | local_name!("track")
            | local_name!("wbr")
    )
}
