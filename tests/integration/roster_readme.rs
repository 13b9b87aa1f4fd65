//! README.md opens with the main command and the test command, and .ci/run runs exactly that
//! test command.

fn file(name: &str) -> String {
    std::fs::read_to_string(format!("{}/{name}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn ci_runs_the_readme_test_command() {
    let readme = file("README.md");
    let block = readme
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("README starts with a sh code block");
    let commands: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert!(
        commands[0].contains("build samples/roster.xlsx"),
        "{}",
        commands[0]
    );
    let test_command = commands[1].trim();
    assert!(test_command.starts_with("cargo test"), "{test_command}");
    let ci = file(".ci/run");
    let last = ci
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.starts_with('#'))
        .expect("a command in .ci/run");
    assert_eq!(last, test_command);
    assert!(ci.contains("set -euo pipefail"));
}
