//! The runbook pane opened at the section the match names: that heading is
//! the pane's first line and the line above it says which section, and why.
use oncall::runbook::Section;

use super::*;

const PODS_RUNBOOK: &str = "+++
id = \"pods\"
title = \"Pods failing\"
alerts = [\"KubePodCrashLooping\"]
+++
# Pods failing

## First five minutes

1. See which pods: `kubectl get pods -A | grep -v Running`.
2. Tell the channel what fails, and since when.

## Pending pods

Read the events: the scheduler says why.

```sh read-only
kubectl describe pod \"$POD\" -n \"$NS\"
```

## Crash-looping pods

The container starts and dies. Read its last words:

```sh read-only
kubectl logs \"$POD\" -n \"$NS\" --previous --tail=50
```

- [ ] Note the exit code and the reason.
- [ ] Check what the last deploy changed.

## Escalate

To the team that owns the namespace.
";

/// A console whose only runbook is `PODS_RUNBOOK`, with a crash-looping
/// pod selected and its match naming the crash-looping section.
fn pods_model(width: u16, height: u16) -> Model {
    let spec = Spec {
        id: 31,
        severity: Severity::High,
        status: Status::Triggered,
        service: "checkout",
        title: "Pod checkout-7d9f crash looping",
        alert: "KubePodCrashLooping",
        minutes: 4,
        owner: None,
        occurrences: 1,
    };
    let mut m = one_runbook_model(width, height, PODS_RUNBOOK, &spec);
    m.runbook.matches[0].section = Some(Section {
        heading: "Crash-looping pods".into(),
        why: "sections maps KubePodCrashLooping".into(),
    });
    // The match is shown again, now with its section.
    press(&mut m, KeyCode::Char('1'));
    m
}

#[test]
fn the_pane_opens_at_the_section_and_says_which() {
    let (w, h) = (80, 24);
    let m = pods_model(w, h);
    let screen = text(&draw(&m, w, h));
    let lines: Vec<&str> = screen.lines().collect();
    let why = lines
        .iter()
        .position(|l| l.contains("Runbook: pods"))
        .map(|title| lines[title + 1])
        .unwrap();
    assert!(why.contains("§ Crash-looping pods (alert"), "{why}");
    let first = lines[lines.iter().position(|l| *l == why).unwrap() + 1];
    assert!(first.contains("│Crash-looping pods   "), "{first}");
    assert!(!screen.contains("First five minutes"), "{screen}");
    snapshot!("runbook_at_its_section_80x24", draw(&m, w, h).backend());
}

#[test]
fn t_shows_the_top_and_the_why_line_says_t_goes_back() {
    let (w, h) = (120, 40);
    let mut m = pods_model(w, h);
    let screen = text(&draw(&m, w, h));
    assert!(
        screen.contains("§ Crash-looping pods (alert KubePodCrashLooping)"),
        "{screen}"
    );
    press(&mut m, KeyCode::Char('t'));
    let screen = text(&draw(&m, w, h));
    assert!(screen.contains("First five minutes"), "{screen}");
    assert!(screen.contains(" t: § "), "{screen}");
    assert!(
        screen.contains("Top of pods; t goes back to § Crash-looping pods."),
        "{screen}"
    );
}
