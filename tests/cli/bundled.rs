//! The bundled KB against the news article it encodes, "NATO, Ukraine
//! respond to Putin's claim of offering 'peaceful resolution'" (June 14,
//! 2024). The article stays out of the repository; the sentences that hold
//! quoted words are test data here, as the article prints them.

use crate::support::root;

/// Every sentence of the article's body with words in quotation marks,
/// verbatim (its closing marks are `"` and, once, `”`). The headline's
/// "peaceful resolution" is left out: it sums the story up and quotes no
/// one statement.
const QUOTED_SENTENCES: &[&str] = &[
    "According to Putin, Moscow has allegedly continuously offered foreign partners \"constructive solutions in the security sphere, but all attempts have not been answered.\"",
    "\"The West decided that they had won the Cold War and could determine the world order, and Moscow's questions were answered with excuses,\" Putin said.",
    "He also claimed to have offered Ukraine and the West another \"peaceful option for resolving the conflict,\" emphasizing that Russia does not want to \"freeze the conflict\" but instead wants it to end completely.",
    "Additionally, Ukraine should not join NATO and should maintain a \"neutral, non-aligned, non-nuclear status.\"",
    "\"Russia is still ready to engage in dialogue with all countries, but it should not be an imitation of the peace process, but a thorough conversation,\" Putin concluded.",
    "The Ministry of Foreign Affairs of Ukraine believes that Putin's statements are intended to \"mislead the international community, undermine diplomatic efforts to achieve a just peace, and divide the unity of the world majority around the goals and principles of the UN Charter.\"",
    "\"It is absurd that Putin, who planned, prepared, and carried out, along with his accomplices, the largest armed aggression in Europe since World War II, is trying to present himself as a peacemaker and put forward options for ending the war he started, which undermine the foundations of international law and the UN Charter,\" the ministry stated on June 14.",
    "The timing of Putin's statements, just before the summit, suggests that \"Russia is afraid of real peace.\"",
    "\"Putin is well aware that the powerful voice of peace that will be heard at the Global Peace Summit in Switzerland will be the first practical step towards a just peace. Russia's plans are not for peace, but for the continuation of the war, the occupation of Ukraine, the destruction of the Ukrainian people, and further aggression in Europe,\" the ministry concluded.",
    "\"This is not a Ukrainian proposal. It only demonstrates that this proposal is not in good faith and essentially means that Russia wants to achieve its military goals by occupying much larger territories than it currently controls,” the NATO Secretary General stated.",
    "\"And that is why NATO continues to support Ukraine,\" Stoltenberg concluded.",
];

/// The words between each pair of quotation marks.
fn quoted_segments() -> Vec<&'static str> {
    let mut out = Vec::new();
    for sentence in QUOTED_SENTENCES {
        let mut rest = *sentence;
        while let Some(open) = rest.find('"') {
            let after = &rest[open + 1..];
            let (close, mark) = after
                .char_indices()
                .find(|(_, c)| matches!(c, '"' | '”'))
                .unwrap_or_else(|| panic!("unclosed quotation in {sentence}"));
            out.push(&after[..close]);
            rest = &after[close + mark.len_utf8()..];
        }
    }
    out
}

/// A quote is verbatim when it is a quoted segment of the article, or one
/// without the punctuation that ends it (`excuses,"` may become `excuses`,
/// never `excuses.`).
fn verbatim(quote: &str, segments: &[&str]) -> bool {
    segments
        .iter()
        .any(|s| quote == *s || s.trim_end_matches([',', '.', ';', ':', '!', '?']) == quote)
}

#[test]
fn the_rule_accepts_dropped_trailing_punctuation_and_nothing_else() {
    let segments = ["answered with excuses,", "real peace."];
    assert!(verbatim("answered with excuses,", &segments));
    assert!(verbatim("answered with excuses", &segments));
    assert!(!verbatim("answered with excuses.", &segments));
    assert!(!verbatim("answered with excuse", &segments));
    assert!(verbatim("real peace.", &segments));
    assert!(!verbatim("Real peace.", &segments));
}

#[test]
fn every_quote_of_the_bundled_kb_is_verbatim_from_the_article() {
    let loaded = annals::Kb::load(&root().join("kb")).expect("the bundled KB loads");
    let segments = quoted_segments();
    let mut quotes = 0;
    for s in &loaded.kb.statements {
        for q in &s.quotes {
            quotes += 1;
            assert!(
                verbatim(&q.text, &segments),
                "`{}` quotes words the article does not print: {:?}",
                s.id,
                q.text
            );
        }
    }
    // Every quoted segment of the article is in the KB, none twice.
    assert_eq!(quotes, segments.len(), "quotes in the KB vs the article");
}
