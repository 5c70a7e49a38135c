//! siloq.core-rules: written against siloq-sdk; see extensions/README.md.
