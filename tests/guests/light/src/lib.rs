//! `light` (extensions.md §11.1 B2): the smallest realistic rule. It reads only `info()` and reports one finding,
//! so its cost is the fixed cost of a call (fresh instance, one getter, one finding) on any page.

use siloq_sdk::prelude::*;

pub struct Light;

impl Rule for Light {
    type Config = NoConfig;

    fn info() -> RuleInfo {
        RuleInfo::new("test.light", "Light").check(Check::new(
            "test.light.title",
            Category::Onpage,
            Severity::Low,
            "The page has a title",
        ))
    }

    fn evaluate(
        page: &impl PageView,
        _config: &NoConfig,
        out: &mut Report,
    ) -> Result<(), ExtensionError> {
        match page.info().seo_title {
            Some(title) if !title.trim().is_empty() => {
                out.pass("test.light.title");
            }
            _ => {
                out.fail("test.light.title", "The page has no title.");
            }
        }
        Ok(())
    }
}

export_rule!(Light);
