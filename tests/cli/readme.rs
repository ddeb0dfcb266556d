//! The documentation's examples are what annals prints: every `$ annals …`
//! line of a `console` block of the README, and every JSON example of
//! docs/json.md, is run on the bundled KB and compared with what it shows.

use crate::support::{root, Run};

/// Each example: the command's arguments and the output the README shows.
fn examples(readme: &str) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let mut in_console = false;
    let mut current: Option<(Vec<String>, Vec<&str>)> = None;
    let mut finish = |current: &mut Option<(Vec<String>, Vec<&str>)>| {
        if let Some((args, mut lines)) = current.take() {
            while lines.last() == Some(&"") {
                lines.pop();
            }
            out.push((args, lines.join("\n") + "\n"));
        }
    };
    for line in readme.lines() {
        if line.starts_with("```") {
            finish(&mut current);
            in_console = line == "```console";
        } else if in_console {
            if let Some(command) = line.strip_prefix("$ annals ") {
                finish(&mut current);
                assert!(
                    !command.contains(['"', '\'']),
                    "quote-free examples only: {command}"
                );
                let args = command.split_whitespace().map(str::to_owned).collect();
                current = Some((args, Vec::new()));
            } else if let Some((_, lines)) = current.as_mut() {
                lines.push(line);
            }
        }
    }
    out
}

#[test]
fn every_console_example_in_the_readme_prints_what_it_shows() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let examples = examples(&readme);
    assert!(examples.len() >= 9, "found {} examples", examples.len());
    for (args, shown) in examples {
        let out = Run::bundled().args(&args).run();
        out.status(0);
        assert_eq!(out.stdout, shown, "`annals {}`", args.join(" "));
    }
}

#[test]
fn every_example_in_the_json_docs_is_what_annals_prints() {
    let docs = std::fs::read_to_string(root().join("docs/json.md")).expect("docs/json.md");
    let mut command: Option<Vec<&str>> = None;
    let mut block: Option<Vec<&str>> = None;
    let mut checked = 0;
    for line in docs.lines() {
        if let Some(lines) = block.as_mut() {
            if line == "```" {
                let args = command.take().expect("a command before the block");
                let out = Run::bundled().args(&args).run();
                out.status(0);
                assert_eq!(
                    out.stdout,
                    lines.join("\n") + "\n",
                    "`annals {}`",
                    args.join(" ")
                );
                checked += 1;
                block = None;
            } else {
                lines.push(line);
            }
        } else if let Some(c) = line
            .strip_prefix("`annals ")
            .and_then(|l| l.strip_suffix(" --format json`:"))
        {
            command = Some(c.split_whitespace().chain(["--format", "json"]).collect());
        } else if line == "```json" && command.is_some() {
            block = Some(Vec::new());
        }
    }
    assert!(checked >= 5, "checked {checked} examples");
}
