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
    let wanted: Vec<char> = lowered.chars().collect();
    // One row of the distance table, for every candidate in turn.
    let mut row = Vec::new();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            if c == written {
                return None;
            }
            if has_part(c, &lowered) || c.eq_ignore_ascii_case(written) {
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
            distance_within(&wanted, c, limit, &mut row).map(|d| (d, c))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// Whether `part` is one of the `-`-separated parts of `id`.
fn has_part(id: &str, part: &str) -> bool {
    if !id.as_bytes().contains(&b'-') {
        return id == part;
    }
    id.split('-').any(|p| p == part)
}

/// The edit distance (Levenshtein, by characters) from `a` to `b` if it
/// is at most `limit`. `row` is room for the table's row, kept between
/// calls: the searches of a large KB's mistakes compare millions of ids.
fn distance_within(a: &[char], b: &str, limit: usize, row: &mut Vec<usize>) -> Option<usize> {
    row.clear();
    row.extend(0..=a.len());
    for (j, cb) in b.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = j + 1;
        let mut least = row[0];
        for (i, &ca) in a.iter().enumerate() {
            let above = row[i + 1];
            let cost = usize::from(ca != cb);
            row[i + 1] = (diagonal + cost).min(above + 1).min(row[i] + 1);
            diagonal = above;
            least = least.min(row[i + 1]);
        }
        // No later row is below this one's least.
        if least > limit {
            return None;
        }
    }
    let d = row[a.len()];
    (d <= limit).then_some(d)
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

    /// The distance within a limit is the distance, whenever that is
    /// within the limit, on random short words of a small alphabet (and
    /// characters of more than one byte).
    #[test]
    fn a_bounded_distance_is_the_distance() {
        let alphabet = ['a', 'b', '-', 'é', '1'];
        let mut state = 7_u64;
        let word = |state: &mut u64| {
            *state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let len = (*state >> 60) as usize % 7;
            (0..len)
                .map(|k| alphabet[(*state >> (k * 5 + 3)) as usize % alphabet.len()])
                .collect::<String>()
        };
        let mut row = Vec::new();
        for _ in 0..20_000 {
            let (a, b) = (word(&mut state), word(&mut state));
            let full = strsim::levenshtein(&a, &b);
            let chars: Vec<char> = a.chars().collect();
            for limit in 0..5 {
                let bounded = distance_within(&chars, &b, limit, &mut row);
                assert_eq!(
                    bounded,
                    (full <= limit).then_some(full),
                    "{a:?} {b:?} {limit}"
                );
            }
            let parts = b.split('-').any(|p| p == a);
            assert_eq!(has_part(&b, &a), parts, "{a:?} in {b:?}");
        }
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
