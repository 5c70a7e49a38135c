//! siloq.core-recommender: written against siloq-sdk; see extensions/README.md.
