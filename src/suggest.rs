//! "Did you mean …?": the closest known names to a misspelled one.

/// Up to three candidates close to `written`, best first. A candidate is
/// close when its edit distance is at most a third of the longer length
/// (at least 1, at most 4), or when it contains `written` as a whole
/// `-`-separated part (`stoltenberg` for `jens-stoltenberg`), or begins
/// with it.
///
/// ```
/// let ids = ["putin", "lavrov", "jens-stoltenberg"];
/// assert_eq!(annals::suggest::closest("putn", ids), vec!["putin"]);
/// assert_eq!(annals::suggest::closest("stoltenberg", ids), vec!["jens-stoltenberg"]);
/// assert!(annals::suggest::closest("zelensky", ids).is_empty());
/// ```
pub fn closest<'a>(written: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let lowered = written.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            if c == written {
                return None;
            }
            if c.split('-').any(|part| part == lowered) || c.eq_ignore_ascii_case(written) {
                return Some((0, c));
            }
            // The start of a longer id (`putin-withdrawal` for
            // `putin-withdrawal-condition`).
            if lowered.len() >= 3 && c.starts_with(&lowered) {
                return Some((1, c));
            }
            // Cheap length filter before the quadratic distance.
            let longer = c.len().max(lowered.len());
            let limit = (longer / 3).clamp(1, 4);
            if c.len().abs_diff(lowered.len()) > limit {
                return None;
            }
            let d = strsim::levenshtein(&lowered, c);
            (d <= limit).then_some((d, c))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// "did you mean `a`?" or "did you mean one of `a`, `b`?", or `None`.
pub fn did_you_mean(found: &[&str]) -> Option<String> {
    match found {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        many => Some(format!(
            "did you mean one of {}?",
            many.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_misspellings_are_found_and_far_ones_are_not() {
        let ids = ["putin", "nato", "mfa-ukraine", "ukraine"];
        assert_eq!(closest("nat", ids), vec!["nato"]);
        assert_eq!(closest("ukrane", ids), vec!["ukraine"]);
        assert!(closest("x", ids).is_empty());
        assert_eq!(closest("Putin", ids), vec!["putin"]);
    }

    #[test]
    fn the_help_line_reads_naturally() {
        assert_eq!(did_you_mean(&["a"]).unwrap(), "did you mean `a`?");
        assert_eq!(
            did_you_mean(&["a", "b"]).unwrap(),
            "did you mean one of `a`, `b`?"
        );
        assert_eq!(did_you_mean(&[]), None);
    }
}
