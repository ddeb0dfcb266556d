//! Pictures and exports: DOT that Graphviz accepts, SVG that parses as XML
//! with one marker per statement and one arrow per response, PNGs with text
//! in them, hostile strings in every format, and `annals build --check`.

use std::path::Path;
use std::process::Command;

use crate::support::{copy_of_the_repo, fixture, golden, root, Run};

/// Fails a test that needs Graphviz when `dot` does not run, saying so.
/// Such tests are `#[ignore]`d with the reason, so `cargo test` shows them
/// as ignored; CI installs Graphviz and runs them with --include-ignored.
pub(crate) fn require_graphviz() {
    let ok = Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "this test needs Graphviz's dot: install graphviz, or run `cargo test` without --include-ignored"
    );
}

/// Runs `dot -Tcanon` on DOT text, returning its error on failure.
fn dot_accepts(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut child = Command::new("dot")
        .arg("-Tcanon")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

const VIEWS: &[&str] = &["responses", "actors", "timeline", "kb"];

#[test]
fn dot_exports_of_every_view_match_their_golden_files() {
    for view in VIEWS {
        let out = Run::bundled().args(["export", "dot", "--view", view]).run();
        out.status(0);
        out.stdout_golden(&format!("golden/export/{view}.dot"));
    }
    for view in ["responses", "timeline"] {
        let out = Run::bundled()
            .args(["export", "mermaid", "--view", view])
            .run();
        out.status(0);
        out.stdout_golden(&format!("golden/export/{view}.mmd"));
    }
}

#[test]
#[ignore = "needs Graphviz's dot; CI runs it with --include-ignored"]
fn graphviz_accepts_the_dot_of_every_view_even_with_hostile_strings() {
    require_graphviz();
    for dir in [root(), fixture("hostile-queries")] {
        for view in VIEWS {
            let out = Run::in_dir(&dir)
                .args(["--kb", "kb", "export", "dot", "--view", view])
                .run();
            out.status(0);
            dot_accepts(&out.stdout)
                .unwrap_or_else(|e| panic!("{view} in {}: {e}\n{}", dir.display(), out.stdout));
        }
    }
}

#[test]
fn hostile_strings_stay_inside_dot_strings() {
    let out = Run::fixture("hostile-queries")
        .args(["export", "dot", "--view", "kb"])
        .run();
    // The summary's quote, bracket and `subgraph` are inside an escaped label.
    assert!(
        out.stdout.contains(r#"Breaks out: \"];\n<script>"#),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains('\u{1b}') && !out.stdout.contains('\u{202e}'));
}

#[test]
fn mermaid_labels_carry_no_syntax_from_the_kb() {
    let out = Run::fixture("hostile-queries")
        .args(["export", "mermaid", "--view", "responses"])
        .run();
    out.status(0);
    for line in out.stdout.lines().filter(|l| l.contains("[\"")) {
        let inner =
            &line[line.find("[\"").unwrap_or(0) + 2..line.rfind("\"]").unwrap_or(line.len())];
        assert!(
            !inner
                .replace("<br/>", "")
                .contains(['"', '[', ']', '<', '>']),
            "{line}"
        );
    }
    let out = Run::fixture("hostile-queries")
        .args(["export", "mermaid", "--view", "timeline"])
        .run();
    for line in out.stdout.lines().skip(2) {
        // Only our own separators: every ':' of the KB's text is encoded.
        let text = line.trim_start();
        assert!(text.split(" : ").all(|part| !part.contains(':')), "{line}");
    }
}

/// Parses SVG text as XML, returning the document.
fn parse_svg(text: &str) -> roxmltree::Document<'_> {
    // Graphviz's SVG declares its DTD.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options)
        .unwrap_or_else(|e| panic!("not well-formed XML: {e}"))
}

#[test]
fn the_timeline_svg_has_a_marker_per_statement_and_an_arrow_per_response() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.svg");
    let out = Run::bundled()
        .args(["render", "timeline", "-o", path.to_str().expect("UTF-8")])
        .run();
    out.status(0);
    let text = std::fs::read_to_string(&path).expect("the SVG is written");
    let doc = parse_svg(&text);
    let circles = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle") && n.children().any(|c| c.has_tag_name("title")))
        .count();
    let arrows = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("marker-end").is_some())
        .count();
    assert_eq!(circles, 15, "one marker per statement");
    // Three of them end under the bar of the meeting they answer.
    assert_eq!(arrows, 8, "one arrow per response");
    assert!(text.contains("Global Peace Summit"));
    // The summit is a two-day bar: its width is two days on the axis.
    assert!(text.contains("Global Peace Summit (Summit, 2024-06-15/2024-06-16)"));
}

#[test]
fn the_timeline_renders_to_png_without_graphviz_with_text_in_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.png");
    // No PATH: Graphviz cannot be found, and is not needed.
    let out = Run::bundled()
        .args(["render", "timeline", "-o", path.to_str().expect("UTF-8")])
        .env("PATH", "")
        .run();
    out.status(0);
    let png = annals_png(&path);
    assert_eq!((png.width(), png.height()), (2560, 1136));
    // The title is text: dark pixels in the top-left band prove a font drew it.
    let dark = (0..60u32)
        .flat_map(|y| (0..1200u32).map(move |x| (x, y)))
        .filter(|(x, y)| png.pixel(*x, *y).is_some_and(|p| p.red() < 100))
        .count();
    assert!(dark > 500, "the title's text is drawn ({dark} dark pixels)");
}

fn annals_png(path: &Path) -> resvg::tiny_skia::Pixmap {
    resvg::tiny_skia::Pixmap::load_png(path).expect("a valid PNG")
}

#[test]
fn output_is_byte_identical_across_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["a.png", "b.png", "a.svg", "b.svg"] {
        let p = dir.path().join(name);
        Run::bundled()
            .args(["render", "timeline", "-o", p.to_str().expect("UTF-8")])
            .run()
            .status(0);
    }
    let read = |n: &str| std::fs::read(dir.path().join(n)).expect("read");
    assert_eq!(read("a.png"), read("b.png"));
    assert_eq!(read("a.svg"), read("b.svg"));
}

#[test]
fn hostile_strings_survive_the_svg_and_png() {
    let dir = tempfile::tempdir().expect("temp dir");
    let svg = dir.path().join("h.svg");
    Run::fixture("hostile-queries")
        .args(["render", "timeline", "-o", svg.to_str().expect("UTF-8")])
        .run()
        .status(0);
    let text = std::fs::read_to_string(&svg).expect("read");
    let doc = parse_svg(&text);
    let titles: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text().map(str::to_owned))
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.contains("\"];") && t.contains("<script>alert(1)</script>")),
        "{titles:?}"
    );
    assert!(doc.descendants().all(|n| !n.has_tag_name("script")));
    let png = dir.path().join("h.png");
    Run::fixture("hostile-queries")
        .args(["render", "timeline", "-o", png.to_str().expect("UTF-8")])
        .run()
        .status(0);
    annals_png(&png);
}

#[test]
#[ignore = "needs Graphviz's dot; CI runs it with --include-ignored"]
fn graph_views_render_through_graphviz() {
    require_graphviz();
    let dir = tempfile::tempdir().expect("temp dir");
    for (view, file) in [
        ("responses", "r.svg"),
        ("actors", "a.png"),
        ("timeline", "t.pdf"),
    ] {
        let path = dir.path().join(file);
        let mut args = vec!["render", view, "-o", path.to_str().expect("UTF-8")];
        if view == "timeline" {
            args.extend(["--engine", "graphviz"]);
        }
        Run::bundled().args(args).run().status(0);
        assert!(
            std::fs::metadata(&path).is_ok_and(|m| m.len() > 100),
            "{file}"
        );
    }
    let svg = std::fs::read_to_string(dir.path().join("r.svg")).expect("read");
    parse_svg(&svg);
    // Stoltenberg's three rejections of Putin's conditions, and the
    // ministry's two of what Putin said at the meeting, drawn to the meeting.
    assert_eq!(svg.matches("rejects").count(), 5);
}

#[test]
fn without_graphviz_the_error_says_how_to_install_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("r.svg");
    let out = Run::bundled()
        .args(["render", "responses", "-o", path.to_str().expect("UTF-8")])
        .env("PATH", "")
        .run();
    out.status(2);
    assert!(
        out.stderr.contains("apt-get install graphviz"),
        "{}",
        out.stderr
    );
    assert!(!path.exists());
}

#[test]
fn outputs_are_never_written_into_the_kb() {
    let out = Run::bundled()
        .args(["render", "timeline", "-o", "kb/timeline.svg"])
        .run();
    out.status(2);
    assert!(
        out.stderr.contains("inside the KB folder"),
        "{}",
        out.stderr
    );
    assert!(!root().join("kb/timeline.svg").exists());
    let out = Run::bundled()
        .args(["export", "dot", "-o", "kb/stories/x.dot"])
        .run();
    out.status(2);
}

/// A copy of the repository whose KB changed one statement's summary, so
/// the pictures drawn from it are stale.
fn copy_of_the_repo_with_an_edited_statement() -> (tempfile::TempDir, std::path::PathBuf) {
    let (keep, dir) = copy_of_the_repo();
    let story = dir.join("kb/stories/2024-06-14-putin-peace-conditions.ron");
    let text = std::fs::read_to_string(&story).expect("read");
    std::fs::write(
        &story,
        text.replace(
            "should not withdraw its troops",
            "must not withdraw its troops",
        ),
    )
    .expect("write");
    (keep, dir)
}

#[test]
fn build_check_passes_on_the_repository_and_names_stale_files_after_an_edit() {
    Run::bundled().args(["build", "--check"]).run().status(0);
    let (_keep, dir) = copy_of_the_repo_with_an_edited_statement();
    let out = Run::in_dir(&dir).args(["build", "--check"]).run();
    out.status(1);
    assert!(
        out.stderr.contains("stale: exports/responses.svg"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("stale: exports/timeline.svg"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(dir.join("exports/timeline.png")).expect("remove");
    let out = Run::in_dir(&dir).args(["build", "--check"]).run();
    out.status(1);
    assert!(
        out.stderr.contains("missing: exports/timeline.png"),
        "{}",
        out.stderr
    );
}

#[test]
#[ignore = "needs Graphviz's dot; CI runs it with --include-ignored"]
fn build_makes_stale_exports_fresh() {
    require_graphviz();
    let (_keep, dir) = copy_of_the_repo_with_an_edited_statement();
    std::fs::remove_file(dir.join("exports/timeline.png")).expect("remove");
    Run::in_dir(&dir).args(["build"]).run().status(0);
    Run::in_dir(&dir).args(["build", "--check"]).run().status(0);
}

#[test]
fn build_without_graphviz_makes_every_output_it_can_then_fails() {
    let (_keep, dir) = copy_of_the_repo();
    for f in ["timeline.png", "timeline.svg", "responses.svg"] {
        std::fs::remove_file(dir.join("exports").join(f)).expect("remove");
    }
    let out = Run::in_dir(&dir).args(["build"]).env("PATH", "").run();
    out.status(2);
    assert!(
        out.stderr.contains("apt-get install graphviz"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("exports could not be made"),
        "{}",
        out.stderr
    );
    // The timeline needs no Graphviz, and is listed after the graphs.
    assert!(dir.join("exports/timeline.png").is_file());
    assert!(dir.join("exports/timeline.svg").is_file());
    assert!(!dir.join("exports/responses.svg").exists());
}

#[test]
fn export_writes_a_file_atomically() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("r.dot");
    Run::bundled()
        .args(["export", "dot", "-o", path.to_str().expect("UTF-8")])
        .run()
        .status(0);
    golden(
        &root().join("tests/golden/export/responses.dot"),
        &std::fs::read_to_string(&path).expect("read"),
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("list").count(),
        1,
        "no temporary file is left"
    );
}

#[test]
fn a_large_timeline_is_aggregated_and_says_so() {
    // 6,000 generated statements by some 250 speakers.
    let dir = tempfile::tempdir().expect("temp dir");
    crate::support::write_generated_kb(&dir.path().join("kb"), 6000);
    let svg = dir.path().join("big.svg");
    Run::in_dir(dir.path())
        .args(["render", "timeline", "-o", svg.to_str().expect("UTF-8")])
        .run()
        .status(0);
    let text = std::fs::read_to_string(&svg).expect("read");
    let doc = parse_svg(&text);
    let lanes = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("font-size") == Some("12"))
        .count();
    assert_eq!(
        lanes, 41,
        "40 speaker lanes (the last shared) and the events lane"
    );
    assert!(text.contains("Other speakers ("));
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("path") && n.attribute("marker-end").is_some())
            .count(),
        0
    );
    assert!(text.contains("each lane shows how many statements fall in each moment"));
    // Every response of the KB, as `annals stats` counts them.
    let stats = Run::in_dir(dir.path())
        .args(["stats", "--format", "json"])
        .run();
    stats.status(0);
    let stats: serde_json::Value = serde_json::from_str(&stats.stdout).expect("JSON");
    let responses = stats["responses"].as_u64().expect("a count");
    assert!(responses > 5000);
    assert!(
        text.contains(&format!("{responses} responses not drawn")),
        "{}",
        &text[text.len().saturating_sub(600)..]
    );
    // The notes and the credit are wrapped or shortened to the canvas:
    // at 10 px DejaVu Sans is at most 6 px a character.
    let doc = parse_svg(&text);
    let width: f64 = doc
        .root_element()
        .attribute("width")
        .and_then(|w| w.parse().ok())
        .expect("a width");
    for t in doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("font-size") == Some("10"))
    {
        let x: f64 = t.attribute("x").and_then(|x| x.parse().ok()).unwrap_or(0.0);
        let chars = t.text().unwrap_or("").chars().count() as f64;
        if x < 30.0 {
            assert!(
                x + chars * 6.0 <= width,
                "leaves the canvas: {:?}",
                t.text()
            );
        }
    }
}

/// The text of every `<text>` element of a picture.
fn texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_owned))
        .collect()
}

#[test]
fn the_timeline_takes_a_title_a_subtitle_and_a_credit_and_readers_see_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.svg");
    let hostile = "<b>\"Peace\" & war</b>\u{202e}";
    Run::bundled()
        .args([
            "render",
            "timeline",
            "--title",
            hostile,
            "--subtitle",
            "June 14",
            "--credit",
            "Our newsroom",
            "-o",
        ])
        .args([path.to_str().expect("UTF-8")])
        .run()
        .status(0);
    let text = std::fs::read_to_string(&path).expect("the SVG is written");
    let doc = parse_svg(&text);
    let shown = texts(&doc);
    // The title is the text as given (a bidi override dropped), not markup.
    assert!(
        shown.contains(&"<b>\"Peace\" & war</b>".to_string()),
        "{shown:?}"
    );
    assert!(shown.contains(&"June 14".to_string()) && shown.contains(&"Our newsroom".to_string()));
    assert!(doc.descendants().all(|n| !n.has_tag_name("b")));
    // Without a credit: the outlets cited, and annals.
    let plain = dir.path().join("p.svg");
    Run::bundled()
        .args(["render", "timeline", "-o", plain.to_str().expect("UTF-8")])
        .run()
        .status(0);
    let plain = std::fs::read_to_string(&plain).expect("written");
    let doc = parse_svg(&plain);
    let shown = texts(&doc);
    assert!(
        shown.contains(
            &"Sources: European Pravda, RIA Novosti, TASS · drawn with annals".to_string()
        ),
        "{shown:?}"
    );
    // Labels and their halos are two texts: nothing relies on paint-order,
    // which some renderers ignore (the label would vanish under its halo).
    assert!(!plain.contains("paint-order"));
    assert!(shown.contains(&"Not in good faith".to_string()));
    // The legend lists only what is drawn: no uncertain dates here.
    assert!(!shown.iter().any(|t| t.contains("uncertain")), "{shown:?}");
    assert!(shown.contains(&"event".to_string()) && shown.contains(&"rejects".to_string()));
    // A Graphviz picture has no caption: asked for one, annals says so.
    let refused = Run::bundled()
        .args(["render", "responses", "--title", "x", "-o"])
        .args([dir.path().join("r.svg").to_str().expect("UTF-8")])
        .run();
    refused.status(2);
    assert!(
        refused.stderr.contains("laid out by Graphviz"),
        "{}",
        refused.stderr
    );
}

#[test]
fn a_manifest_gives_the_timeline_its_caption_and_refuses_one_elsewhere() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kb = dir.path().join("kb");
    std::fs::create_dir_all(&kb).expect("kb folder");
    for f in ["actors.ron", "annals.ron"] {
        std::fs::copy(crate::support::root().join("kb").join(f), kb.join(f)).expect("copy");
    }
    std::fs::create_dir_all(kb.join("stories")).expect("stories");
    for e in std::fs::read_dir(crate::support::root().join("kb/stories")).expect("stories") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), kb.join("stories").join(e.file_name())).expect("copy");
    }
    let exports = dir.path().join("exports");
    std::fs::create_dir_all(&exports).expect("exports");
    std::fs::write(
        exports.join("exports.ron"),
        r#"Exports(outputs: [Output(file: "t.svg", view: Timeline, format: Svg, title: "The answers", credit: "Desk")])"#,
    )
    .expect("manifest");
    Run::in_dir(dir.path()).args(["build"]).run().status(0);
    let svg = std::fs::read_to_string(exports.join("t.svg")).expect("built");
    assert!(svg.contains(">The answers</text>") && svg.contains(">Desk</text>"));
    std::fs::write(
        exports.join("exports.ron"),
        r#"Exports(outputs: [Output(file: "r.dot", view: Responses, format: Dot, title: "No")])"#,
    )
    .expect("manifest");
    let refused = Run::in_dir(dir.path()).args(["build"]).run();
    refused.status(2);
    assert!(
        refused.stderr.contains("the timeline picture's"),
        "{}",
        refused.stderr
    );
    std::fs::write(
        exports.join("exports.ron"),
        r#"Exports(outputs: [Output(file: "t.svg", view: Timeline, format: Svg, width: 100)])"#,
    )
    .expect("manifest");
    let refused = Run::in_dir(dir.path()).args(["build"]).run();
    refused.status(2);
    assert!(refused.stderr.contains("640 to 8000"), "{}", refused.stderr);
}

#[test]
fn all_draws_the_statements_outside_any_exchange_in_the_views_of_responses() {
    let dot = |args: &[&str]| {
        let out = Run::bundled()
            .args(["export", "--format", "dot"])
            .args(args.iter().copied())
            .run();
        out.status(0);
        out.stdout.clone()
    };
    // Putin's Cold War remark was answered by no one: drawn only with --all.
    assert!(!dot(&[]).contains("\"putin-west-cold-war\""));
    assert!(dot(&["--all"]).contains("\"putin-west-cold-war\""));
    assert!(dot(&["--all", "--view", "actors"]).contains("digraph"));
    let refused = Run::bundled()
        .args(["export", "--format", "json", "--all"])
        .run();
    refused.status(2);
    assert!(
        refused.stderr.contains("responses and actors views"),
        "{}",
        refused.stderr
    );
}

#[test]
fn a_narrow_timeline_keeps_every_text_on_its_canvas() {
    for (kb, width) in [
        ("next-story", "640"),
        ("next-story", "900"),
        ("hostile-queries", "640"),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.svg");
        Run::fixture(kb)
            .args(["render", "timeline", "--width", width, "-o"])
            .args([path.to_str().expect("UTF-8")])
            .run()
            .status(0);
        let text = std::fs::read_to_string(&path).expect("written");
        let doc = parse_svg(&text);
        let w: f64 = doc
            .root_element()
            .attribute("width")
            .and_then(|w| w.parse().ok())
            .expect("a width");
        assert_eq!(w.to_string(), width);
        // DejaVu Sans is at most 0.6 em a character for this text.
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let x: f64 = t.attribute("x").and_then(|x| x.parse().ok()).unwrap_or(0.0);
            let size: f64 = t
                .attribute("font-size")
                .and_then(|s| s.parse().ok())
                .unwrap_or(10.0);
            let len = t.text().unwrap_or("").chars().count() as f64 * size * 0.6;
            let (start, end) = match t.attribute("text-anchor") {
                Some("end") => (x - len, x),
                Some("middle") => (x - len / 2.0, x + len / 2.0),
                _ => (x, x + len),
            };
            assert!(
                start >= -1.0 && end <= w + 1.0,
                "{kb} at {width}: {:?} at {start:.0}..{end:.0}",
                t.text()
            );
        }
    }
    let refused = Run::bundled()
        .args(["render", "timeline", "--width", "100", "-o", "x.svg"])
        .run();
    refused.status(2);
    assert!(refused.stderr.contains("640..=8000"), "{}", refused.stderr);
}

/// The dark pixels of a raster inside a box, in the raster's pixels.
fn ink(png: &resvg::tiny_skia::Pixmap, x0: f64, y0: f64, x1: f64, y1: f64) -> usize {
    let (w, h) = (f64::from(png.width()), f64::from(png.height()));
    let (x0, x1) = (x0.clamp(0.0, w) as u32, x1.clamp(0.0, w) as u32);
    let (y0, y1) = (y0.clamp(0.0, h) as u32, y1.clamp(0.0, h) as u32);
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter_map(|(x, y)| png.pixel(x, y))
        .filter(|p| {
            let p = p.demultiply();
            let lum = 0.299 * f64::from(p.red())
                + 0.587 * f64::from(p.green())
                + 0.114 * f64::from(p.blue());
            p.alpha() > 128 && lum < 150.0
        })
        .count()
}

#[test]
#[ignore = "needs rsvg-convert (Debian's librsvg2-bin); CI runs it with --include-ignored"]
fn every_label_of_the_timeline_shows_in_resvg_and_in_librsvg() {
    let ok = Command::new("rsvg-convert")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "this test needs rsvg-convert: apt-get install librsvg2-bin, or run `cargo test` without --include-ignored"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, kb) in [
        ("bundled", root().join("kb")),
        ("next-story", fixture("next-story/kb")),
    ] {
        let svg_path = dir.path().join(format!("{name}.svg"));
        let png_path = dir.path().join(format!("{name}.png"));
        for out in [&svg_path, &png_path] {
            Run::bundled()
                .args([
                    "--kb",
                    kb.to_str().expect("UTF-8"),
                    "render",
                    "timeline",
                    "-o",
                ])
                .args([out.to_str().expect("UTF-8")])
                .run()
                .status(0);
        }
        // librsvg at the same scale as annals' PNG (2x).
        let rsvg_path = dir.path().join(format!("{name}-rsvg.png"));
        let status = Command::new("rsvg-convert")
            .args(["--zoom", "2", "-o"])
            .args([&rsvg_path, &svg_path])
            .status()
            .expect("rsvg-convert runs");
        assert!(status.success());
        let ours = annals_png(&png_path);
        let theirs = annals_png(&rsvg_path);
        assert_eq!(
            (ours.width(), ours.height()),
            (theirs.width(), theirs.height())
        );
        let text = std::fs::read_to_string(&svg_path).expect("svg");
        let doc = parse_svg(&text);
        let mut checked = 0;
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            // Halos are white: what a reader reads is the text over them.
            if matches!(t.attribute("fill"), Some("#ffffff" | "#fff" | "white")) {
                continue;
            }
            let label: String = t.descendants().filter_map(|n| n.text()).collect();
            if label.trim().is_empty() {
                continue;
            }
            let num = |a: &str| t.attribute(a).and_then(|v| v.parse::<f64>().ok());
            let (x, y, size) = (
                num("x").expect("x"),
                num("y").expect("y"),
                num("font-size").unwrap_or(11.0),
            );
            // The first characters' box, wherever the anchor puts them.
            let w = (label.chars().count() as f64 * size * 0.5).min(size * 4.0);
            let (x0, x1) = match t.attribute("text-anchor") {
                Some("end") => (x - w, x),
                Some("middle") => (x - w / 2.0, x + w / 2.0),
                _ => (x, x + w),
            };
            let (y0, y1) = (y - size * 0.8, y + size * 0.1);
            for (renderer, png) in [("resvg", &ours), ("librsvg", &theirs)] {
                let n = ink(png, 2.0 * x0, 2.0 * y0, 2.0 * x1, 2.0 * y1);
                assert!(
                    n >= 6,
                    "{name}: {renderer} shows no text for {label:?} at ({x}, {y}): {n} dark pixels"
                );
            }
            checked += 1;
        }
        assert!(checked > 20, "{name}: only {checked} labels checked");
    }
}

#[test]
fn a_quiet_fortnight_is_drawn_as_a_break_in_the_axis() {
    let out = Run::fixture("broken-axis")
        .args(["render", "timeline", "--format", "svg"])
        .run();
    out.status(0);
    let doc = parse_svg(&out.stdout);
    assert!(
        texts(&doc).iter().any(|t| t == "13 days"),
        "the break says what it leaves out: {:?}",
        texts(&doc)
    );
    // The markers of the four busy days take most of the picture's width.
    let xs: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle") && n.children().any(|c| c.has_tag_name("title")))
        .filter_map(|n| n.attribute("cx")?.parse().ok())
        .collect();
    assert_eq!(xs.len(), 5);
    let mut busy = xs.clone();
    busy.sort_by(f64::total_cmp);
    let spread = busy[4] - busy[1];
    assert!(
        spread > 0.6 * 1280.0 - 250.0,
        "the four days span {spread} px"
    );
}

#[test]
fn every_date_form_of_the_specification_is_drawn() {
    // From year -170,000,000 to open ends, sets and unspecified digits.
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["t.svg", "t.png"] {
        let path = dir.path().join(name);
        Run::fixture("every-date")
            .args(["render", "timeline", "-o", path.to_str().expect("UTF-8")])
            .run()
            .status(0);
    }
    let svg = std::fs::read_to_string(dir.path().join("t.svg")).expect("svg");
    let doc = parse_svg(&svg);
    let markers = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle") && n.children().any(|c| c.has_tag_name("title")))
        .count();
    assert_eq!(markers, 76, "a marker per statement");
    annals_png(&dir.path().join("t.png"));
}
