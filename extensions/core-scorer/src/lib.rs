//! siloq.core-scorer: written against siloq-sdk; see extensions/README.md.
