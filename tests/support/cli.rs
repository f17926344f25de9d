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
