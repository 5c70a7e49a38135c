//! robots.txt (seo-rules.md §3.1): unreachable, blocks the whole site, invalid lines, missing. All four are N/A
//! when robots.txt was not requested (synced sites).

use crate::Config;
use crate::util::Ctx;
use siloq_sdk::prelude::*;

pub const UNREACHABLE: &str = "site.robots_txt.unreachable";
pub const BLOCKS_ALL: &str = "site.robots_txt.blocks_all";
pub const INVALID: &str = "site.robots_txt.invalid";
pub const MISSING: &str = "site.robots_txt.missing";

pub fn checks() -> Vec<Check> {
    vec![
        Check::new(
            UNREACHABLE,
            Category::Technical,
            Severity::Critical,
            "robots.txt unreachable",
        ),
        Check::new(
            BLOCKS_ALL,
            Category::Technical,
            Severity::Critical,
            "robots.txt blocks the site",
        ),
        Check::new(
            INVALID,
            Category::Technical,
            Severity::Medium,
            "Invalid robots.txt lines",
        ),
        Check::new(MISSING, Category::Technical, Severity::Low, "No robots.txt"),
    ]
}

pub fn check(ctx: &Ctx<'_, impl SiteView>, config: &Config, out: &mut Report) {
    let Some(robots) = &ctx.robots else {
        for id in [UNREACHABLE, BLOCKS_ALL, INVALID, MISSING] {
            out.not_applicable(id);
        }
        return;
    };
    let status = robots.status;

    // 5xx or no answer at all: crawlers may pause crawling the whole site.
    if robots.timed_out || status.is_none() || status.is_some_and(|s| s >= 500) {
        let shown = status.map_or_else(|| "nothing in time".to_string(), |s| format!("HTTP {s}"));
        out.fail(
            UNREACHABLE,
            format!("robots.txt answers {shown}; crawlers may pause crawling the whole site."),
        )
        .action("Make robots.txt return 200, or 404 if you do not use one.")
        .detail("status", status.map_or(0, u32::from))
        .detail("timed_out", robots.timed_out);
    } else {
        out.pass(UNREACHABLE);
    }

    if status.is_some_and(|s| (400..500).contains(&s)) {
        out.fail(MISSING, "The site has no robots.txt.")
            .action("Publish a robots.txt, at least with a Sitemap line.")
            .detail("status", status.map_or(0, u32::from));
    } else {
        out.pass(MISSING);
    }

    if status != Some(200) {
        out.not_applicable(BLOCKS_ALL);
        out.not_applicable(INVALID);
        return;
    }
    let blocked: Vec<&str> = [config.googlebot.as_str(), "*"]
        .into_iter()
        .filter(|agent| !ctx.allows(agent, "/"))
        .collect();
    if blocked.is_empty() {
        out.pass(BLOCKS_ALL);
    } else {
        out.fail(BLOCKS_ALL, "robots.txt blocks the entire site.")
            .action("Remove the blanket `Disallow: /` (often left over from a staging copy).")
            .detail("user_agents", blocked);
    }

    if robots.errors.is_empty() {
        out.pass(INVALID);
    } else {
        let lines: Vec<String> = robots
            .errors
            .iter()
            .map(|e| format!("line {}: {}", e.line, e.reason))
            .collect();
        let shown: Vec<&str> = lines.iter().map(String::as_str).collect();
        let n = lines.len();
        let finding = out
            .fail(
                INVALID,
                format!(
                    "robots.txt has {n} invalid line{} ({}).",
                    if n == 1 { "" } else { "s" },
                    crate::util::examples(&shown, 3)
                ),
            )
            .action("Fix the listed lines; crawlers ignore or misread them.")
            .detail("invalid_lines", n)
            .detail("affected_total", n);
        for line in lines {
            finding.affected(line);
        }
    }
}
