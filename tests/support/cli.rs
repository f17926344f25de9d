//! Runs the real `oncall` binary as a user would from a shell, with a
//! clean environment for the token, and reads what it printed.

use std::process::{Command, Output};

/// `oncall ARGS` with `env` set and no `ONCALL_TOKEN` from the outside.
pub fn oncall(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oncall"));
    cmd.args(args).env_remove("ONCALL_TOKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run oncall")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `oncall --config CONFIG COMMAND MORE...` with alice's token in
/// `MY_TOKEN`, run off the async runtime (a test's hub answers meanwhile).
pub async fn as_alice(config: &str, command: &str, more: &[&str]) -> Output {
    let mut args = vec![
        "--config".to_string(),
        config.to_string(),
        command.to_string(),
    ];
    args.extend(more.iter().map(|s| s.to_string()));
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        oncall(&args, &[("MY_TOKEN", super::ALICE)])
    })
    .await
    .expect("the command ran")
}

/// A console config in `dir` whose one feed is the hub at `url`, its
/// token read from `MY_TOKEN`; the config file's path.
pub fn feed_config(dir: &std::path::Path, url: &str) -> String {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!("[[feeds]]\nurl = \"{url}\"\ntoken_env = \"MY_TOKEN\"\n"),
    )
    .expect("write the config");
    config.to_str().expect("a UTF-8 path").to_string()
}
