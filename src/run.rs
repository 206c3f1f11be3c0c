//! A run is a list of portals: the one unnamed portal of a `portal:` file (shown without a
//! heading or totals), or the selected portals of a `portals:` file, in file order, each with
//! what came of it: a plan (`plan`, `show`) or its webhooks' health (`status`).

/// The portals of a run, in file order.
#[derive(Debug, Clone)]
pub struct Run<T> {
    pub portals: Vec<Part<T>>,
}

/// One portal's part of a run.
#[derive(Debug, Clone)]
pub struct Part<T> {
    /// The portal's key under `portals:`; `None` for the one portal of a `portal:` file.
    pub name: Option<String>,
    /// Its `url:`, as `PortalUrl::as_str` shows it.
    pub portal: String,
    /// `None` when the portal could not be worked on; `error` then says why.
    pub result: Option<T>,
    /// Why this portal failed: it could not be worked on (`result` is `None`), or its result
    /// was refused (the deletion guard's refusal of a plan, shown all the same). One line,
    /// free of secrets.
    pub error: Option<String>,
}

impl<T> Run<T> {
    /// The result of the one portal of a `portal:` file, shown as it always was.
    pub fn unnamed(&self) -> Option<&T> {
        match self.portals.as_slice() {
            [part] if part.name.is_none() => part.result.as_ref(),
            _ => None,
        }
    }

    /// The results of the portals that have one.
    pub fn results(&self) -> impl Iterator<Item = &T> {
        self.portals.iter().filter_map(|p| p.result.as_ref())
    }

    /// Portals with an error.
    pub fn failed(&self) -> usize {
        self.portals.iter().filter(|p| p.error.is_some()).count()
    }
}

/// The closing line over a run's named portals, `what` summed over them, e.g.
/// `Total: 1 to create, 2 to update, 0 to delete, 5 unchanged, on 3 portals (1 failed).`
pub fn total_line(what: &str, portals: usize, failed: usize) -> String {
    let s = if portals == 1 { "" } else { "s" };
    let failed = match failed {
        0 => String::new(),
        n => format!(" ({n} failed)"),
    };
    format!("Total: {what}, on {portals} portal{s}{failed}.")
}
