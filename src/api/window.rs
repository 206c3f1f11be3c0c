//! The window of concurrent writes (AIMD), pure: how many writes the pacer (`pace.rs`) lets be
//! under way at once. A 429, or a failure worth a retry (the portal or its proxy struggling),
//! halves it once per burst; each accepted write widens it by 1/size, one place per round of
//! successes, up to the portal's own limit.

/// The portal runs at most 15 writes of one user at once (docs/docspace-api.md §17).
const MAX_WRITES: f64 = 15.0;

#[derive(Debug)]
pub(super) struct Window {
    /// Between 1 and `MAX_WRITES`; fractional while it grows back.
    size: f64,
    /// The last request let out when the window was last cut: a refusal of one of these
    /// belongs to the burst that was already answered for.
    cut_after: u64,
}

impl Default for Window {
    fn default() -> Self {
        Window {
            size: MAX_WRITES,
            cut_after: 0,
        }
    }
}

impl Window {
    /// How many writes may be under way.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "the size stays between 1 and 15; its fraction is meant to be dropped"
    )]
    pub(super) fn size(&self) -> usize {
        self.size as usize
    }

    /// After an accepted write.
    pub(super) fn widen(&mut self) {
        self.size = (self.size + 1.0 / self.size).min(MAX_WRITES);
    }

    /// After the write request number `seq` was refused or failed in a way worth a retry,
    /// with `in_flight` write calls under way and `sent` requests let out so far: halves the
    /// window (or the writes under way, when fewer), unless this burst already did.
    pub(super) fn cut(&mut self, seq: u64, in_flight: usize, sent: u64) {
        if seq > self.cut_after {
            let under_way = self.size.min(in_flight as f64);
            self.size = (under_way / 2.0).floor().max(1.0);
            self.cut_after = sent;
        }
    }
}
