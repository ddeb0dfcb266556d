//! The interactive page (`export --format html`): one file that asks for
//! nothing over the network, keeps every KB string as text, and works in a
//! real browser: markers, a click, a filter, a hash link, the keyboard.
//!
//! The browser tests drive Debian's Chromium over the DevTools protocol
//! (the `headless_chrome` crate: a Rust dev-dependency, so `cargo test`
//! needs no Node.js and no downloaded browser). They are `#[ignore]`d with
//! the reason, so `cargo test` shows them as ignored; CI installs chromium
//! and runs them with --include-ignored.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::{Network, Page};
use headless_chrome::{Browser, Tab};

use crate::pictures::require_graphviz;
use crate::support::{copy_of_the_repo, fixture, root, Run};

/// Exports the page of the KB at `kb` (the bundled one when `None`) into
/// `dir`, with `args` added.
fn page(dir: &Path, kb: Option<&Path>, args: &[&str]) -> PathBuf {
    let out = dir.join("story.html");
    let mut all = vec!["export".to_owned(), "--format".into(), "html".into()];
    all.extend(args.iter().map(|a| a.to_string()));
    all.extend(["-o".into(), out.display().to_string()]);
    if let Some(kb) = kb {
        all.extend(["--kb".into(), kb.display().to_string()]);
    }
    Run::bundled().args(&all).run().status(0);
    out
}

/// The page's text outside its data element.
fn outside_data(html: &str) -> String {
    let start = html
        .find("<script type=\"application/json\"")
        .expect("data");
    let end = start + html[start..].find("</script>").expect("end of data");
    format!("{}{}", &html[..start], &html[end..])
}

#[test]
fn the_page_is_one_file_that_loads_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let html = std::fs::read_to_string(page(dir.path(), None, &[])).expect("page");
    assert!(
        html.len() < 300_000,
        "the bundled KB's page is {} bytes",
        html.len()
    );
    // A policy that forbids every request and foreign script.
    assert!(html
        .contains("content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-"));
    // Nothing that would load: no link, no src, no url(), no import, no
    // fetch; the only addresses outside the data are the SVG namespace.
    let code = outside_data(&html);
    for needle in [
        "<link",
        " src=",
        "@import",
        "fetch(",
        "XMLHttpRequest",
        "import(",
        "WebSocket",
        "EventSource",
        "sendBeacon",
        "<iframe",
        "<object",
        "<embed",
    ] {
        assert!(!code.contains(needle), "the page holds {needle}");
    }
    // url() only names something inside the page (`url(#plot)`).
    assert!(
        code.match_indices("url(")
            .all(|(i, _)| code[i + 4..].starts_with('#')),
        "a url() outside the page"
    );
    let addresses: Vec<&str> = code
        .match_indices("http")
        .map(|(i, _)| &code[i..(i + 30).min(code.len())])
        .filter(|a| {
            !["http://www.w3.org/2000/svg", "http-equiv", "https?:"]
                .iter()
                .any(|ok| a.starts_with(ok))
        })
        .collect();
    assert_eq!(addresses, Vec::<&str>::new());
    assert_eq!(html.matches("<script").count(), 2, "the data and the code");
}

#[test]
fn the_page_is_the_same_bytes_every_time_and_is_a_manifest_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let a = std::fs::read(page(dir.path(), None, &["--tz", "Europe/Kyiv"])).expect("page");
    let b = std::fs::read(page(dir.path(), None, &["--tz", "Europe/Kyiv"])).expect("page");
    assert!(a == b, "two exports differ");
    let bundled = std::fs::read(root().join("exports/story.html")).expect("exports/story.html");
    assert!(
        !bundled.is_empty() && String::from_utf8_lossy(&bundled).contains("annals-data"),
        "exports/story.html is the page"
    );
}

#[test]
fn hostile_strings_stay_text_in_the_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kb = fixture("hostile-page/kb");
    let html = std::fs::read_to_string(page(dir.path(), Some(&kb), &[])).expect("page");
    // Only the page's two script elements; no KB markup anywhere.
    assert_eq!(html.matches("<script").count(), 2);
    for raw in [
        "<img",
        "<svg onload",
        "<b onmouseover",
        "<!-- Evil",
        "</style><style>",
        "\u{202e}",
        "\u{2028}",
    ] {
        assert!(!html.contains(raw), "the page holds {raw:?} raw");
    }
    // The data still says exactly what the KB says.
    let start = html.find("id=\"annals-data\">").expect("data") + "id=\"annals-data\">".len();
    let end = start + html[start..].find("</script>").expect("end");
    let data: serde_json::Value = serde_json::from_str(&html[start..end]).expect("data is JSON");
    let s1 = &data["statements"][0];
    assert_eq!(
        s1["summary"],
        "Breaks out: \"]]> --> <script>window.pwned = 4</script>\u{2028}next"
    );
    assert_eq!(
        data["actors"][0]["name"],
        "Evil </script><script>window.pwned = 1</script>"
    );
}

#[test]
fn the_page_takes_a_title_and_refuses_a_width() {
    let dir = tempfile::tempdir().expect("temp dir");
    let html = std::fs::read_to_string(page(
        dir.path(),
        None,
        &[
            "--title",
            "A <b>title</b>",
            "--subtitle",
            "Sub",
            "--credit",
            "Credit & co",
        ],
    ))
    .expect("page");
    assert!(html.contains("<title>A &lt;b&gt;title&lt;/b&gt;</title>"));
    assert!(html.contains("<p class=\"subtitle\">Sub</p>"));
    assert!(html.contains("<footer>Credit &amp; co · times in UTC</footer>"));
    let refused = Run::bundled()
        .args(["export", "--format", "json", "--title", "T"])
        .run();
    refused.status(2);
    assert!(
        refused
            .stderr
            .contains("--title, --subtitle and --credit are the page's (html)"),
        "{}",
        refused.stderr
    );
}

#[test]
fn a_page_with_graphviz_s_graph_is_checked_by_its_dot_not_graphviz_s_bytes() {
    // exports/story.html holds Graphviz's drawing; `build --check` needs
    // no Graphviz to know it is fresh.
    let (_keep, dir) = copy_of_the_repo();
    let page = dir.join("exports/story.html");
    let text = std::fs::read_to_string(&page).expect("page");
    assert!(
        text.contains("<!-- annals-dot-source: "),
        "the drawing is marked"
    );
    assert!(
        text.contains("class=\"node\""),
        "Graphviz's nodes are in the page"
    );
    let check = || {
        Run::in_dir(&dir)
            .args(["build", "--check"])
            .env("PATH", "")
            .run()
    };
    check().status(0);
    // Another Graphviz draws other bytes from the same DOT: still fresh.
    std::fs::write(
        &page,
        text.replacen("<polygon", "<polygon data-other-graphviz=\"1\"", 1),
    )
    .expect("write");
    check().status(0);
    // The page around the drawing changed: stale.
    std::fs::write(&page, text.replacen("<h1>", "<h1>Edited ", 1)).expect("write");
    let out = check();
    out.status(1);
    assert!(
        out.stderr.contains("stale: exports/story.html"),
        "{}",
        out.stderr
    );
    // The drawing's DOT changed (another mark): stale.
    let at = text.find("<!-- annals-dot-source: ").expect("mark") + 24;
    let mut other = text.clone();
    other.replace_range(at..at + 4, "0000");
    std::fs::write(&page, other).expect("write");
    check().status(1);
}

// --- In a browser -------------------------------------------------------------

/// Chromium, headless, as this machine's closed network needs it: no
/// sandbox as root, no background requests of its own.
fn browser() -> Browser {
    match crate::chromium::launch(Duration::from_secs(120)) {
        Some(started) => started.expect("Chromium starts"),
        None => panic!("this test needs Chromium: apt-get install chromium, or run `cargo test` without --include-ignored"),
    }
}

/// What the page did besides drawing: console errors, uncaught exceptions
/// and every request.
#[derive(Default)]
struct Seen {
    errors: Vec<String>,
    requests: Vec<String>,
}

/// Opens `url` in a new tab, watching what it does, and waits until the
/// page says it is ready.
fn open(browser: &Browser, url: &str) -> (Arc<Tab>, Arc<Mutex<Seen>>) {
    let tab = browser.new_tab().expect("tab");
    let seen = Arc::new(Mutex::new(Seen::default()));
    let record = Arc::clone(&seen);
    tab.add_event_listener(Arc::new(move |event: &Event| {
        let mut seen = record.lock().expect("lock");
        match event {
            Event::RuntimeExceptionThrown(e) => {
                seen.errors.push(format!("{:?}", e.params.exception_details))
            }
            Event::RuntimeConsoleAPICalled(e)
                if matches!(
                    e.params.Type,
                    headless_chrome::protocol::cdp::Runtime::ConsoleAPICalledEventTypeOption::Error
                        | headless_chrome::protocol::cdp::Runtime::ConsoleAPICalledEventTypeOption::Warning
                ) =>
            {
                seen.errors.push(format!("console: {:?}", e.params.args))
            }
            Event::LogEntryAdded(e) => seen.errors.push(format!("log: {}", e.params.entry.text)),
            Event::NetworkRequestWillBeSent(e) => seen.requests.push(e.params.request.url.clone()),
            _ => {}
        }
    }))
    .expect("listener");
    tab.enable_runtime().expect("runtime");
    tab.enable_log().expect("log");
    tab.call_method(Network::Enable {
        max_total_buffer_size: None,
        max_resource_buffer_size: None,
        max_post_data_size: None,
        report_direct_socket_traffic: None,
        enable_durable_messages: None,
    })
    .expect("network");
    tab.navigate_to(url).expect("navigate");
    tab.wait_until_navigated().expect("navigated");
    tab.wait_for_element("html[data-ready]")
        .expect("the page gets ready");
    (tab, seen)
}

/// The text a reader sees in the element `selector`.
fn text_of(tab: &Tab, selector: &str) -> String {
    tab.find_element(selector)
        .unwrap_or_else(|e| panic!("{selector}: {e}"))
        .get_inner_text()
        .expect("text")
}

/// Asserts the page logged no error and asked for nothing but itself.
fn assert_quiet(seen: &Mutex<Seen>, url: &str) {
    let seen = seen.lock().expect("lock");
    assert_eq!(seen.errors, Vec::<String>::new(), "console errors");
    for request in &seen.requests {
        assert!(request.starts_with(url), "the page asked for {request}");
    }
}

fn eval(tab: &Tab, js: &str) -> serde_json::Value {
    tab.evaluate(js, false)
        .unwrap_or_else(|e| panic!("{js}: {e}"))
        .value
        .unwrap_or(serde_json::Value::Null)
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().expect("path").display())
}

#[test]
#[ignore = "needs Chromium (apt-get install chromium); CI runs it with --include-ignored"]
fn in_a_browser_the_page_draws_selects_filters_and_keeps_the_selection_in_the_hash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = page(dir.path(), None, &["--tz", "Europe/Kyiv"]);
    let url = file_url(&path);
    let browser = browser();
    let (tab, seen) = open(&browser, &url);

    // A marker per statement, a bar per event, a node per statement of the
    // response graph and an item per statement in the list.
    assert_eq!(
        eval(&tab, "document.querySelectorAll('#timeline .st').length"),
        15
    );
    assert_eq!(
        eval(&tab, "document.querySelectorAll('#timeline .ev').length"),
        3
    );
    assert_eq!(
        eval(&tab, "document.querySelectorAll('#list li').length"),
        15
    );
    assert_eq!(
        eval(&tab, "document.querySelectorAll('#graph .node.st').length"),
        9
    );

    // A click on a marker shows its summary and sources in the panel, and
    // the hash names it.
    let id = "stoltenberg-not-in-good-faith";
    tab.find_element(&format!("#timeline .st[data-id='{id}'] circle"))
        .expect("marker")
        .click()
        .expect("click");
    let panel = text_of(&tab, "#panel");
    assert!(panel.contains("Not in good faith"), "{panel}");
    assert!(
        panel.contains("Stoltenberg stated that Putin's stance on peace talks is not sincere"),
        "{panel}"
    );
    assert!(panel.contains("European Pravda"), "{panel}");
    assert!(
        panel.contains("Vladimir Putin, 2024-06-14: Ukraine must leave four regions"),
        "{panel}"
    );
    assert!(
        tab.get_url().ends_with(&format!("#{id}")),
        "{}",
        tab.get_url()
    );

    // What it responds to is one click away.
    tab.find_element("#panel button.link[data-id='putin-withdrawal-condition']")
        .expect("link to the target")
        .click()
        .expect("click");
    let heading = eval(&tab, "document.getElementById('panel-heading').textContent");
    assert_eq!(heading, "Ukraine must leave four regions");
    let responses = text_of(&tab, "#panel");
    assert!(responses.contains("Responses"), "{responses}");

    // A filter hides the others everywhere.
    eval(&tab, "const f = document.getElementById('filter-actor'); f.value = 'putin'; f.dispatchEvent(new Event('change'));");
    let visible = "[...document.querySelectorAll('#timeline .st')].filter((g) => g.style.display !== 'none').length";
    assert_eq!(eval(&tab, visible), 7);
    assert_eq!(
        eval(
            &tab,
            "[...document.querySelectorAll('#list li')].filter((li) => !li.hidden).length"
        ),
        7
    );
    assert_eq!(
        eval(&tab, "document.getElementById('count').textContent"),
        "7 of 15 statements shown"
    );
    tab.find_element("#reset")
        .expect("reset")
        .click()
        .expect("click");
    assert_eq!(eval(&tab, visible), 15);

    // The keyboard zooms: + narrows the time shown, so markers move apart.
    let spread = "(() => { const xs = [...document.querySelectorAll('#timeline .st circle')].map((c) => +c.getAttribute('cx')); return Math.max(...xs) - Math.min(...xs); })()";
    let before = eval(&tab, spread).as_f64().expect("number");
    tab.find_element("#timeline")
        .expect("timeline")
        .focus()
        .expect("focus");
    tab.press_key("+").expect("key");
    std::thread::sleep(Duration::from_millis(200));
    let after = eval(&tab, spread).as_f64().expect("number");
    assert!(after > before * 1.5, "zoomed from {before} to {after}");

    // A link with a hash opens the page on that statement.
    let (linked, linked_seen) = open(&browser, &format!("{url}#putin-neutrality-condition"));
    let heading = eval(
        &linked,
        "document.getElementById('panel-heading').textContent",
    );
    assert_eq!(heading, "No NATO; neutral, non-nuclear");
    assert_eq!(
        eval(
            &linked,
            "document.querySelector('#timeline .st.selected').dataset.id"
        ),
        "putin-neutrality-condition"
    );

    // On paper, the list carries every summary.
    eval(&linked, "window.dispatchEvent(new Event('beforeprint'))");
    assert_eq!(
        eval(
            &linked,
            "document.querySelectorAll('#list .summary').length"
        ),
        15
    );

    // A screenshot for a person to look at (of the tab in front).
    let png = linked
        .capture_screenshot(Page::CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("screenshot");
    let shot = root().join("target/page-screenshot.png");
    std::fs::write(&shot, png).expect("write the screenshot");
    assert!(shot.exists(), "the screenshot is at {}", shot.display());

    assert_quiet(&seen, &url);
    assert_quiet(&linked_seen, &url);
}

#[test]
#[ignore = "needs Chromium (apt-get install chromium); CI runs it with --include-ignored"]
fn in_a_browser_every_date_form_of_the_specification_is_drawn() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = page(dir.path(), Some(&fixture("every-date/kb")), &[]);
    let url = file_url(&path);
    let browser = browser();
    let (tab, seen) = open(&browser, &url);
    assert_eq!(
        eval(&tab, "document.querySelectorAll('#list li').length"),
        76
    );
    // Those with an instant in years 0000-9999 are on the timeline.
    let on_timeline = eval(&tab, "document.querySelectorAll('#timeline .st').length")
        .as_u64()
        .expect("count");
    assert!(on_timeline >= 60, "{on_timeline} markers");
    tab.press_key("0").expect("key");
    tab.find_element("#zoom-out")
        .expect("zoom out")
        .click()
        .expect("click");
    tab.find_element("#zoom-in")
        .expect("zoom in")
        .click()
        .expect("click");
    assert_quiet(&seen, &url);
}

#[test]
#[ignore = "needs Chromium and Graphviz; CI runs it with --include-ignored"]
fn in_a_browser_graphviz_s_graph_is_clickable_like_the_page_s_own() {
    require_graphviz();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = page(dir.path(), None, &["--engine", "graphviz"]);
    let url = file_url(&path);
    let browser = browser();
    let (tab, seen) = open(&browser, &url);
    // A node per statement in an exchange and per event answered.
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('#graph g.node[data-id]').length"
        ),
        11
    );
    assert_eq!(
        eval(&tab, "document.querySelectorAll('#graph svg').length"),
        1
    );
    let id = "stoltenberg-russia-should-withdraw";
    tab.find_element(&format!("#graph g.node[data-id='{id}'] path"))
        .expect("node")
        .click()
        .expect("click");
    let heading = eval(&tab, "document.getElementById('panel-heading').textContent");
    assert_eq!(heading, "Russia should withdraw");
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('#graph g.node.selected').dataset.id"
        ),
        id
    );
    assert_quiet(&seen, &url);
}

#[test]
#[ignore = "needs Chromium and Graphviz; CI runs it with --include-ignored"]
fn in_a_browser_hostile_strings_are_shown_as_text_and_run_nothing() {
    require_graphviz();
    let browser = browser();
    // With the page's own graph, and with Graphviz's drawing inside it.
    // (Graphviz's graph also draws the event a statement was said at.)
    for (engine, nodes) in [("native", "s1 s2"), ("graphviz", "s1 meeting s2")] {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = page(
            dir.path(),
            Some(&fixture("hostile-page/kb")),
            &["--engine", engine],
        );
        hostile_page_is_inert(&browser, &path, nodes);
    }
}

fn hostile_page_is_inert(browser: &Browser, path: &Path, nodes: &str) {
    let url = file_url(path);
    let (tab, seen) = open(browser, &format!("{url}#s1"));
    assert_eq!(
        eval(
            &tab,
            "[...document.querySelectorAll('#graph .node[data-id]')].map((n) => n.dataset.id).join(' ')"
        ),
        nodes
    );
    assert_eq!(eval(&tab, "typeof window.pwned"), "undefined");
    assert_eq!(eval(&tab, "document.querySelectorAll('script').length"), 2);
    assert_eq!(
        eval(&tab, "getComputedStyle(document.body).display"),
        "block"
    );
    let panel = text_of(&tab, "#panel");
    assert!(
        panel.contains("<svg onload=\"window.pwned = 5\">"),
        "{panel}"
    );
    assert!(panel.contains("Real link"), "{panel}");
    // Only http(s) sources become links; the script URL stays text.
    assert_eq!(
        eval(&tab, "[...document.querySelectorAll('#panel a')].map((a) => a.getAttribute('href')).join(' ')"),
        "https://example.org/a?b=<c>&d=\"e\""
    );
    tab.find_element("#panel a")
        .expect("link")
        .move_mouse_over()
        .expect("hover");
    let list = text_of(&tab, "#list");
    assert!(
        list.contains("<!-- Evil: <b onmouseover=\"window.pwned ="),
        "{list}"
    );
    let heading = eval(&tab, "document.getElementById('panel-heading').textContent");
    assert_eq!(
        heading,
        "<b onmouseover=\"window.pwned = 3\">Bold</b> & \u{202e}esrever"
    );
    assert_eq!(eval(&tab, "typeof window.pwned"), "undefined");
    assert_quiet(&seen, &url);
}

#[test]
#[ignore = "needs Chromium (apt-get install chromium); CI runs it with --include-ignored"]
fn in_a_browser_a_live_page_reloads_itself_when_rebuilt() {
    let (_keep, dir) = crate::watch::new_kb();
    let mut watch = crate::watch::Watching::start(&dir, &["--live", "0"]);
    let port = watch.port();
    watch.wait_for("watching kb for changes");
    let browser = browser();
    let origin = format!("http://127.0.0.1:{port}/");
    let (tab, seen) = open(
        &browser,
        &format!("{origin}story.html#residents-reject-fees"),
    );
    assert!(!text_of(&tab, "#list").contains("tram"));
    let heading = "document.getElementById('panel-heading').textContent";
    assert_eq!(eval(&tab, heading), "Residents reject the fees");
    eval(&tab, "window.beforeTheRebuild = true");
    crate::watch::edit(
        &dir.join("kb/stories/example.ron"),
        "to fund the bus line",
        "to fund the tram line",
    );
    watch.wait_for("wrote exports/story.html");
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let reloaded = eval(
            &tab,
            "window.beforeTheRebuild === undefined && document.documentElement.hasAttribute('data-ready')",
        );
        if reloaded == serde_json::Value::Bool(true) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the page did not reload in 15 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let list = text_of(&tab, "#list");
    assert!(list.contains("to fund the tram"), "{list}");
    // The selection, kept in the URL's hash, survives the reload.
    assert_eq!(eval(&tab, heading), "Residents reject the fees");
    assert_quiet(&seen, &origin);
}
