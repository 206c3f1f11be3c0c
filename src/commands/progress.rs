//! How a long apply shows its progress (docs/using.md): each result line starts with its place
//! and the time its write took, in every output, so a CI log shows how far a run got and which
//! targets are slow; the progress line under them is drawn on a terminal only (`Printer`), so no
//! carriage return or escape code reaches a log.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Output, Printer, output};

pub(super) struct Progress {
    bar: ProgressBar,
    total: usize,
    done: usize,
    failed: usize,
}

impl Progress {
    /// The progress of `total` writes.
    pub(super) fn new(total: usize, printer: Printer) -> Progress {
        let bar = if printer.progress() {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed:>4} [{bar:24}] {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            output::show_progress(Some(bar.clone()));
            bar
        } else {
            ProgressBar::hidden()
        };
        let progress = Progress {
            bar,
            total,
            done: 0,
            failed: 0,
        };
        progress.bar.set_message(progress.counts());
        progress
    }

    /// Prints the result line of one write that ended after `took`, above the progress line.
    pub(super) fn result(&mut self, out: &mut Output, failed: bool, took: Duration, line: &str) {
        if failed {
            self.failed += 1;
        } else {
            self.done += 1;
        }
        let n = self.done + self.failed;
        let width = self.total.to_string().len();
        let line = format!(
            "  [{n:>width$}/{}] {:>6} {line}",
            self.total,
            format!("{:.1}s", took.as_secs_f64())
        );
        output::above_progress(|| out.record(&line));
        self.bar.set_position(n as u64);
        self.bar.set_message(self.counts());
    }

    fn counts(&self) -> String {
        let remaining = self.total - self.done - self.failed;
        format!(
            "{} done, {} failed, {remaining} remaining",
            self.done, self.failed
        )
    }

    pub(super) fn finish(self) {
        self.bar.finish_and_clear();
    }
}

/// However the apply ends (a panic too), stderr lines no longer wait for the line to clear.
impl Drop for Progress {
    fn drop(&mut self) {
        output::show_progress(None);
    }
}
