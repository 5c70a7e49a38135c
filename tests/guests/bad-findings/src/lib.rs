//! `bad-findings` (extensions.md §10 case 14): one call returns every kind of invalid finding §4.7 lists next to
//! valid ones. The kernel must drop each invalid finding with an `invalid_finding` diagnostic and keep the rest.
//!
//! Kept: `test.bad.valid` (fails), `test.bad.pass` (passes) and the first `test.bad.duplicate`.
//! Dropped: every other finding; their check ids are listed in [`INVALID`] of the test suite's mirror.

use raw_kit::*;

struct BadFindings;

const T: Category = Category::Technical;
const LOW: Severity = Severity::Low;

const DECLARED: &[&str] = &[
    "test.bad.valid",
    "test.bad.pass",
    "test.bad.duplicate",
    "test.bad.nan_credit",
    "test.bad.credit_high",
    "test.bad.credit_negative",
    "test.bad.wrong_category",
    "test.bad.reserved_key",
    "test.bad.blocking",
    "test.bad.weight",
];

impl RuleGuest for BadFindings {
    fn describe() -> ExtensionInfo {
        info(
            "test.bad-findings",
            ExtensionKind::Rule,
            DECLARED.iter().map(|id| check(id, T, LOW)).collect(),
        )
    }

    fn evaluate(_page: &Page, _config: String) -> Result<Vec<Finding>, ExtensionError> {
        let fail = |id: &str| finding(id, T, LOW, Some(0.0), "This check failed.");
        let mut reserved = fail("test.bad.reserved_key");
        reserved.details.push(Detail {
            key: "credit".to_string(),
            value: DetailValue::Number(0.5),
        });
        let mut blocking = fail("test.bad.blocking");
        blocking.blocking = Some(Blocking::HardFailure);
        let mut weight = fail("test.bad.weight");
        weight.weight = Some(250.0);
        Ok(vec![
            fail("test.bad.valid"),
            finding("test.bad.pass", T, LOW, Some(1.0), ""),
            fail("test.bad.duplicate"),
            fail("test.bad.duplicate"),
            fail("test.bad.undeclared"),
            finding("test.bad.nan_credit", T, LOW, Some(f32::NAN), "NaN credit."),
            finding("test.bad.credit_high", T, LOW, Some(1.5), "Credit above 1."),
            finding(
                "test.bad.credit_negative",
                T,
                LOW,
                Some(-0.5),
                "Credit below 0.",
            ),
            finding(
                "test.bad.wrong_category",
                Category::Content,
                LOW,
                Some(0.0),
                "Wrong category.",
            ),
            reserved,
            blocking,
            weight,
        ])
    }
}

raw_kit::export_rule!(BadFindings);
